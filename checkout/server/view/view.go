// Package view holds the data the resource packages of checkout/server share
// (the shop, the order pages, the owner's pages and the retention features):
// the checkout form and its checks, the gift card as a payment line, and the
// dates in words. The admin API's JSON bodies (OrderView, AfterSaleView,
// StandingView, ...) are in checkout/wire; the answer helpers and the
// checkout's errors in checkout/server/web. view imports web, never the
// other way round, and nothing of server.
package view

import (
	"fmt"
	"time"

	"github.com/storefront/storefront/checkout/delivery"
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/order"
)

// FormField is one input of a page form (checkout, invoice details).
type FormField struct {
	Lang, Name, Label, Type, Auto, Value, Error string
	Optional                                    bool
}

// GiftView is the gift card as a payment line on pages: what it pays and
// what is left for the provider.
type GiftView struct {
	Last4  string
	Amount money.Amount
	Due    money.Amount
	Cur    string
	Lang   string
}

// GiftViewOf is g as a payment line of total; nil without a gift card.
func GiftViewOf(g *order.GiftTender, total money.Amount, cur, lang string) *GiftView {
	if g == nil || g.Amount <= 0 {
		return nil
	}
	return &GiftView{Last4: g.Last4, Amount: g.Amount, Due: total - g.Amount, Cur: cur, Lang: lang}
}

func (g *GiftView) Paying() money.Amount {
	if g == nil {
		return 0
	}
	return g.Amount
}

// DayText is a date for people: "do 27 november" / "Thu 27 November".
func DayText(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	if lang == "en" {
		return t.Format("Mon 2 January")
	}
	return fmt.Sprintf("%s %d %s", weekdaysNL[t.Weekday()], t.Day(), monthsNL[t.Month()-1])
}

// DateText is a date with its year, for dates months or years away (a
// code's term, a gift card's expiry on the owner's pages): "27 november
// 2026" / "27 November 2026", as the invoices write them.
func DateText(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthsNL[t.Month()-1], t.Year())
}

func WindowText(w delivery.Window, lang string) string {
	if w.Earliest.IsZero() {
		return ""
	}
	if w.Latest.IsZero() || w.Latest.Equal(w.Earliest) {
		return DayText(w.Earliest, lang)
	}
	return DayText(w.Earliest, lang) + " – " + DayText(w.Latest, lang)
}

// PaymentOpen reports whether the order waits for a payment that may still
// complete (the page then says "we are confirming your payment").
func PaymentOpen(o *order.Order) bool {
	return o.State == order.AwaitingPayment && o.PaymentID != "" && !o.PaymentStatus.Final()
}

var (
	weekdaysNL = []string{"zo", "ma", "di", "wo", "do", "vr", "za"}
	monthsNL   = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
)
