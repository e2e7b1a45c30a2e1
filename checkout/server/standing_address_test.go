package server

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/checkout/money"
)

// TestStandingAddressAbroadRepricesNextCharge: a subscriber moves from
// Utrecht to Brussels the day before an announced charge. The page's
// address form re-prices the next delivery as a checkout to Belgium would
// (Belgian VAT on the coffee under OSS, the carrier that goes there) and
// shows the new amount; a new pre-charge mail carries it; nothing is
// charged on the old day, and the charge a notice period later is that
// amount, as is its order, with Belgian VAT.
func TestStandingAddressAbroadRepricesNextCharge(t *testing.T) {
	clock := &standingClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	sh := newShop(t, withSubscription(clock))
	ctx := context.Background()
	token := paidStanding(t, sh)
	clock.set(time.Date(2026, 12, 26, 9, 0, 0, 0, time.UTC))
	sh.sc.standing.Tick(ctx) // the notice of 18,45 for 29 December

	clock.set(time.Date(2026, 12, 28, 9, 0, 0, 0, time.UTC))
	page := sh.req(http.MethodGet, "/standing/"+token+"?lang=nl", "")
	if !strings.Contains(page.body, "btw en verzending van dat land") {
		t.Fatal("the address form does not say another country changes the amount")
	}
	r := sh.form("/standing/"+token+"/address", url.Values{"lang": {"nl"}, "name": {"Eva de Vries"}, "street": {"Rue Haute 1"},
		"postal_code": {"1000"}, "city": {"Bruxelles"}, "country": {"be"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("address change: %d %s", r.StatusCode, r.body)
	}
	// 13,50 incl. 9 % → 12,39 excl. → 13,13 with 6 %; PostNL België 7,95.
	const abroad = money.Amount(1313 + 795)
	page = sh.req(http.MethodGet, r.Header.Get("Location"), "")
	if !strings.Contains(page.body, money.Display(abroad, "EUR", "nl")) || !strings.Contains(page.body, "31 december") ||
		!strings.Contains(page.body, "btw en verzending van dat land): het bedrag staat hieronder") {
		t.Fatalf("the page after the change does not show the new amount and day:\n%s", page.body)
	}
	var v StandingView
	sh.req(http.MethodGet, "/api/standing/"+token, "").json(t, &v)
	if v.NextAmount != abroad || v.NextCharge != "2026-12-31" || v.Address.Country != "BE" {
		t.Fatalf("after the move: %+v", v)
	}

	sh.sc.standing.Tick(ctx)
	sh.flushMail()
	notices := sh.outboxFiles("standing_notice")
	if len(notices) != 2 {
		t.Fatalf("%d pre-charge mails, want the first and one with the new amount", len(notices))
	}
	found := false
	for _, f := range notices {
		raw, _ := os.ReadFile(f)
		eml := strings.ReplaceAll(strings.ReplaceAll(string(raw), "=\r\n", ""), "=\n", "")
		found = found || (strings.Contains(eml, "21.08") || strings.Contains(eml, "21,08")) && strings.Contains(eml, "31 December")
	}
	if !found {
		t.Fatal("no pre-charge mail carries the new amount and day (21,08 on 31 December)")
	}

	clock.set(time.Date(2026, 12, 29, 9, 0, 0, 0, time.UTC))
	sh.sc.standing.Tick(ctx)
	if st, _ := sh.sc.store.Standing.GetStanding(v.ID); len(st.Orders) != 1 || st.Charging != "" {
		t.Fatalf("charged on the old day, two days after the new amount was told: %+v", st)
	}
	clock.set(time.Date(2026, 12, 31, 9, 0, 0, 0, time.UTC))
	sh.sc.standing.Tick(ctx)
	sh.req(http.MethodGet, "/api/standing/"+token, "").json(t, &v)
	d, err := sh.sc.store.Orders.GetOrder(v.Orders[2])
	if err != nil || d.Total() != abroad || d.Customer.Country != "BE" || len(d.Totals.VAT) != 1 || d.Totals.VAT[0].Rate != 6 {
		t.Fatalf("the delivery to Belgium: %+v %v", d, err)
	}
	p, err := sh.sc.local.GetPayment(ctx, d.PaymentID)
	if err != nil || p.Amount != abroad {
		t.Fatalf("charged %+v %v, want %d", p, err, abroad)
	}
}
