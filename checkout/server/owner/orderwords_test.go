package owner

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/words"
)

// TestHistoryNotesInOwnerWords: each note the domain records (as package
// order and the store write it) is said in Dutch and English with its ids
// kept; a note the table does not know, and an unknown actor, are shown as
// stored.
func TestHistoryNotesInOwnerWords(t *testing.T) {
	matched := map[string]bool{}
	rapid.Check(t, func(t *rapid.T) {
		// The prefix keeps the id from being found by chance in a note
		// that has none ("m" is in "no payment was started").
		id := "x" + rapid.StringMatching(`[A-Za-z0-9_-]{1,20}`).Draw(t, "id") + "x"
		notes := map[string]string{
			"order placed":                                       "placed",
			"payment " + id + " paid":                            "paid",
			"payment " + id + " paid (an earlier attempt)":       "paid_earlier",
			"payment " + id + " failed":                          "payment_failed",
			"payment " + id + " canceled":                        "payment_canceled",
			"payment " + id + " expired":                         "payment_expired",
			"new payment " + id:                                  "new_payment",
			"adopted payment " + id + " that was never recorded": "adopted",
			"paid in full by gift card " + id:                    "gift_paid",
			"canceled":                                           "canceled",
			"no payment was started":                             "no_payment",
			"label " + id:                                        "label",
			"return " + id + " requested (3 items)":              "return_requested",
			"return " + id + " received":                         "return_received",
			"refund " + id + " of EUR 5.00 recorded (return)":    "refund_recorded",
			"refund " + id + " of EUR 5.00 to gift card 1234":    "refund_gift_card",
			"personal data deleted at the customer's request":    "anonymised",
		}
		for note, key := range notes {
			matched[key] = true
			for _, lang := range []string{"nl", "en"} {
				if _, ok := words.Lookup(lang, "owner.history."+key); !ok {
					t.Fatalf("no %s words for owner.history.%s", lang, key)
				}
				got := historyNote(lang, note)
				if strings.Contains(got, "%!") || strings.Contains(note, id) && !strings.Contains(got, id) {
					t.Fatalf("%s: %q said %q", lang, note, got)
				}
				if lang == "nl" && got == note {
					t.Fatalf("%q is not said in Dutch", note)
				}
			}
		}
		odd := rapid.StringMatching(`zz[a-z %]{0,20}`).Draw(t, "unknown note")
		if got := historyNote("nl", odd); got != odd {
			t.Fatalf("unknown note %q said %q", odd, got)
		}
	})
	for _, n := range historyNotes {
		if !matched[n.key] {
			t.Errorf("history note %s is not tested", n.key)
		}
	}
	for _, by := range []string{"customer", "webhook", "cli", "admin", By, "reconciler", "giftcard", "carrier", "standing", "subscription", "system", "return"} {
		for _, lang := range []string{"nl", "en"} {
			if _, ok := words.Lookup(lang, "owner.history.by."+by); !ok {
				t.Errorf("no %s words for actor %s", lang, by)
			}
		}
	}
	if got := historyActor("nl", "robot-7"); got != "robot-7" {
		t.Errorf("an unknown actor is said %q", got)
	}
}

// TestAdjustmentNames: a code's discount names the code, points are said
// in the owner's words, an unknown kind keeps its stored label.
func TestAdjustmentNames(t *testing.T) {
	o := &order.Order{DiscountCode: "VIJF"}
	for _, c := range []struct {
		a      cart.Adjustment
		nl, en string
	}{
		{cart.Adjustment{Kind: cart.KindCode, Label: "Discount code"}, "code VIJF", "code VIJF"},
		{cart.Adjustment{Kind: "points", Label: "Points"}, "spaarpunten", "loyalty points"},
		{cart.Adjustment{Kind: "later", Label: "Iets"}, "Iets", "Iets"},
		{cart.Adjustment{Kind: "later"}, "later", "later"},
	} {
		if got := adjustmentName(o, c.a, "nl"); got != c.nl {
			t.Errorf("%+v in Dutch: %q, want %q", c.a, got, c.nl)
		}
		if got := adjustmentName(o, c.a, "en"); got != c.en {
			t.Errorf("%+v in English: %q, want %q", c.a, got, c.en)
		}
	}
}
