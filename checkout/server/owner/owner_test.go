package owner

import (
	"errors"
	"fmt"
	"net/http"
	netmail "net/mail"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/payment"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
)

func pagesWithToken(token string) *Pages {
	return &Pages{Web: &web.Web{Config: web.Config{AdminToken: token}}}
}

// TestSessionCookieProperty: a cookie value the page made names its
// session; the same value under another admin token, or with any one byte
// changed, names none.
func TestSessionCookieProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		token := rapid.StringMatching(`[A-Za-z0-9._-]{8,40}`).Draw(rt, "token")
		id := rapid.StringMatching(`[0-9a-f]{32}`).Draw(rt, "id")
		issued := rapid.Int64Range(0, 1<<40).Draw(rt, "issued")
		h := pagesWithToken(token)
		body := "v1." + strconv.FormatInt(issued, 10) + "." + id
		v := body + "." + h.sign(body)
		if got := h.sessionID(v); got != id {
			rt.Fatalf("sessionID(%q) = %q, want %q", v, got, id)
		}
		if got := pagesWithToken(token + "x").sessionID(v); got != "" {
			rt.Fatalf("another token accepts the cookie: %q", got)
		}
		if got := pagesWithToken("").sessionID(v); got != "" {
			rt.Fatalf("no token accepts the cookie: %q", got)
		}
		i := rapid.IntRange(0, len(v)-1).Draw(rt, "byte")
		b := []byte(v)
		b[i] ^= byte(rapid.IntRange(1, 255).Draw(rt, "flip"))
		if got := h.sessionID(string(b)); got != "" {
			rt.Fatalf("a changed cookie %q names session %q", b, got)
		}
		if h.csrfToken(v) == pagesWithToken(token).csrfToken(string(b)) {
			rt.Fatalf("two sessions share a CSRF token")
		}
	})
}

// TestParseEurosProperty: every amount the owner can type as euros and
// cents (5, 5,5, 5,50, 5.50) reads back as its cents; three decimals, signs
// and words do not read.
func TestParseEurosProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		whole := rapid.IntRange(0, 1_000_000).Draw(rt, "whole")
		cents := rapid.IntRange(0, 99).Draw(rt, "cents")
		sep := rapid.SampledFrom([]string{",", "."}).Draw(rt, "sep")
		want := money.Amount(whole*100 + cents)
		for _, typed := range []string{fmt.Sprintf("%d%s%02d", whole, sep, cents), fmt.Sprintf(" %d%s%02d ", whole, sep, cents)} {
			if got, ok := parseEuros(typed); !ok || got != want {
				rt.Fatalf("parseEuros(%q) = %d, %v; want %d", typed, got, ok, want)
			}
		}
		if cents%10 == 0 {
			if got, ok := parseEuros(fmt.Sprintf("%d%s%d", whole, sep, cents/10)); !ok || got != want {
				rt.Fatalf("one decimal: %d, %v; want %d", got, ok, want)
			}
		}
		if cents == 0 {
			if got, ok := parseEuros(strconv.Itoa(whole)); !ok || got != want {
				rt.Fatalf("whole euros: %d, %v; want %d", got, ok, want)
			}
		}
		for _, bad := range []string{fmt.Sprintf("%d%s%03d", whole, sep, cents), "-" + strconv.Itoa(whole), sep + "50", "", "tien", strconv.Itoa(whole) + "€"} {
			if got, ok := parseEuros(bad); ok {
				rt.Fatalf("parseEuros(%q) = %d, want refused", bad, got)
			}
		}
	})
}

// TestOwnerErrorStatuses: each domain error of the owner's actions has its
// status (admin API and page alike).
func TestOwnerErrorStatuses(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{fmt.Errorf("cancel: %w", web.ErrCancelRefund), http.StatusBadGateway},
		{web.ErrBadTrackingLink, http.StatusUnprocessableEntity},
		{web.ErrNoTrackingTemplate, http.StatusUnprocessableEntity},
		{order.ErrOverRefund, http.StatusUnprocessableEntity},
		{order.ErrNoReturn, http.StatusUnprocessableEntity},
		{fmt.Errorf("pack: %w", order.ErrTransition), http.StatusConflict},
		{usecase.ErrRefundUncertain, http.StatusAccepted},
		{payment.ErrInvalid, http.StatusUnprocessableEntity},
		{usecase.ErrNotFound, http.StatusNotFound},
		{usecase.ErrGiftCardsIssued, http.StatusConflict},
		{usecase.ErrConflict, http.StatusConflict},
		{errors.New("provider down"), http.StatusBadGateway},
	} {
		if got, msg := ownerError(c.err); got != c.want || msg == "" {
			t.Errorf("ownerError(%v) = %d %q, want %d", c.err, got, msg, c.want)
		}
	}
}

// TestBodies: the outbox shows the text and HTML of a message, also when
// a file is attached (multipart/mixed around the alternatives), and
// quoted-printable parts decoded; the attachment is not a body.
func TestBodies(t *testing.T) {
	raw := strings.Join([]string{
		"Subject: Bestelling SF-1",
		"Content-Type: multipart/mixed; boundary=outer",
		"",
		"--outer",
		"Content-Type: multipart/alternative; boundary=inner",
		"",
		"--inner",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: quoted-printable",
		"",
		"Dank je, Zo=C3=AB =E2=80=94 \u201cquotes\u201d",
		"--inner",
		"Content-Type: text/html; charset=utf-8",
		"",
		"<p>Dank je</p>",
		"--inner--",
		"--outer",
		"Content-Type: text/plain",
		"Content-Disposition: attachment; filename=factuur.txt",
		"",
		"not a body",
		"--outer--",
		""}, "\r\n")
	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, html := Bodies(msg)
	if !strings.Contains(text, "Dank je, Zoë —") || strings.Contains(text, "not a body") {
		t.Errorf("text = %q", text)
	}
	if html != "<p>Dank je</p>" {
		t.Errorf("html = %q", html)
	}
	plain, err := netmail.ReadMessage(strings.NewReader("Subject: x\r\n\r\nalleen tekst"))
	if err != nil {
		t.Fatal(err)
	}
	if text, html := Bodies(plain); text != "alleen tekst" || html != "" {
		t.Errorf("a plain message: %q %q", text, html)
	}
}
