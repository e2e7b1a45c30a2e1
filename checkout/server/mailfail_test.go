package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/mail"
	"github.com/storefront/storefront/checkout/mollie/molliefake"
	"github.com/storefront/storefront/checkout/store"
)

// brokenSender fails every send while broken is set, else passes to next.
type brokenSender struct {
	broken atomic.Bool
	next   mail.Sender
}

func (b *brokenSender) Send(ctx context.Context, m mail.Message) error {
	if b.broken.Load() {
		return errors.New("dial tcp 127.0.0.1:25: connect: connection refused")
	}
	return b.next.Send(ctx, m)
}

// TestMailGivenUpIsShownToTheOwner: a confirmation that cannot be sent is
// retried, then given up; the owner sees it on /admin/, on the order's page,
// on /admin/mail/ and in the order's JSON (what `shop orders show` prints),
// the alert hook hears of it once, and "Retry now" sends it once the cause
// is fixed. Before, it was only a log line.
func TestMailGivenUpIsShownToTheOwner(t *testing.T) {
	f := molliefake.New()
	defer f.Close()
	var clk offsetClock
	broken := &brokenSender{}
	broken.broken.Store(true)
	var mu sync.Mutex
	var alerts []store.Mail
	sh := newShop(t, withMollie(f), withOffsetClock(&clk), func(o *Options) {
		o.OnMailGivenUp = func(m store.Mail) { mu.Lock(); alerts = append(alerts, m); mu.Unlock() }
		o.tune = func(s *Sidecar) { broken.next = s.sender; s.sender = broken }
	})
	o := sh.paidOrder(f, "mailfail", map[string]int{"MOK-001": 1})
	id := store.MailConfirmation + ":" + o.ID
	for i := 0; i < store.MailMaxAttempts+2; i++ {
		sh.flushMail()
		clk.advance(7 * time.Hour) // past the longest backoff
	}
	m, err := sh.sc.store.MailQueue.Get(id)
	if err != nil || !m.Dead || m.Attempts != store.MailMaxAttempts || !m.SentAt.IsZero() {
		t.Fatalf("mail after %d failures: %+v %v", store.MailMaxAttempts, m, err)
	}
	mu.Lock()
	if len(alerts) != 1 || alerts[0].ID != id {
		t.Errorf("the alert hook heard %d times: %+v", len(alerts), alerts)
	}
	mu.Unlock()
	if c, _ := sh.sc.store.MailQueue.Failures(); c.Dead != 1 || c.Retrying != 0 {
		t.Errorf("MailFailures = %+v", c)
	}

	// The owner's JSON of the order (shop orders show).
	var v OrderView
	r := sh.admin(http.MethodGet, "/api/admin/orders/"+o.ID, "")
	r.json(t, &v)
	if len(v.MailProblems) != 1 || !v.MailProblems[0].Dead || v.MailProblems[0].ID != id || !strings.Contains(v.MailProblems[0].LastError, "refused") {
		t.Errorf("order JSON mail_problems: %+v", v.MailProblems)
	}
	var list MailProblems
	sh.admin(http.MethodGet, "/api/admin/mail/failed", "").json(t, &list)
	if list.Dead != 1 || len(list.Failed) != 1 {
		t.Errorf("GET /api/admin/mail/failed: %+v", list)
	}

	// The owner's pages.
	sh.adminLogin()
	home := sh.req(http.MethodGet, "/admin/", "")
	if !strings.Contains(home.body, sh.says("home.mail_dead", 1)) {
		t.Errorf("/admin/ does not say an e-mail was not sent:\n%s", home.body)
	}
	page := sh.req(http.MethodGet, "/admin/orders/"+o.ID, "")
	if !strings.Contains(page.body, sh.says("order.mail_title")) || !strings.Contains(page.body, sh.says("mail.given_up")) {
		t.Errorf("order page does not show the failed e-mail:\n%s", page.body)
	}
	listPage := sh.req(http.MethodGet, "/admin/mail/", "")
	if !strings.Contains(listPage.body, `value="`+id+`"`) || !strings.Contains(listPage.body, sh.says("mail.retry")) {
		t.Fatalf("/admin/mail/ lists no retry for %s:\n%s", id, listPage.body)
	}

	// Fixed; the owner presses Retry now.
	broken.broken.Store(false)
	rr := sh.form("/admin/mail/retry", url.Values{"csrf": {csrfOf(t, listPage.body)}, "id": {id}})
	if rr.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: %d %s", rr.StatusCode, rr.body)
	}
	sh.flushMail()
	if m, _ := sh.sc.store.MailQueue.Get(id); m.SentAt.IsZero() || len(sh.outboxFiles("confirmation")) != 1 {
		t.Errorf("after the retry: %+v, outbox %v", m, sh.outboxFiles("confirmation"))
	}
	if c, _ := sh.sc.store.MailQueue.Failures(); c.Dead != 0 {
		t.Errorf("after the retry MailFailures = %+v", c)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/mail/"+url.PathEscape(id)+"/retry", ""); r.StatusCode != http.StatusConflict {
		t.Errorf("retry of a sent mail: %d %s", r.StatusCode, r.body)
	}
	if r := sh.admin(http.MethodPost, "/api/admin/mail/nope/retry", ""); r.StatusCode != http.StatusNotFound {
		t.Errorf("retry of an unknown mail: %d %s", r.StatusCode, r.body)
	}
}
