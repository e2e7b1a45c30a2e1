package owner

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/words"
)

// TestHistoryNotesInOwnerWords: every kind of note the domain writes
// (order.NoteKinds, the one list of them) is read back as that kind with
// its parts, and said in Dutch and English with its ids and counts kept;
// notes as earlier versions stored them are read the same way; a note of
// no kind, and an unknown actor, are shown as stored.
func TestHistoryNotesInOwnerWords(t *testing.T) {
	kinds := order.NoteKinds()
	verb := regexp.MustCompile(`%[sd]`)
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.SampledFrom(kinds).Draw(t, "kind")
		var parts []any
		var want []string
		for _, v := range verb.FindAllString(k.Format, -1) {
			if v == "%d" {
				n := rapid.OneOf(rapid.SampledFrom([]int{0, 1, 2}), rapid.IntRange(3, 500)).Draw(t, "count")
				parts, want = append(parts, n), append(want, strconv.Itoa(n))
				continue
			}
			// The x's keep a part from being found by chance in the text.
			p := "x" + rapid.StringMatching(`[A-Za-z0-9_.-]{1,20}`).Draw(t, "part") + "x"
			parts, want = append(parts, p), append(want, p)
		}
		note := order.Note(k.Key, parts...)
		got, gotParts, ok := readNote(note)
		if !ok || got.key != string(k.Key) || !slices.Equal(gotParts, want) {
			t.Fatalf("%q read as %q %q, want %q %q", note, got.key, gotParts, k.Key, want)
		}
		for _, lang := range []string{"nl", "en"} {
			key := "owner.history." + string(k.Key)
			if _, ok := words.Lookup(lang, key); !ok {
				t.Fatalf("no %s words for %s", lang, key)
			}
			said := historyNote(lang, note)
			if strings.Contains(said, "%!") {
				t.Fatalf("%s: %q said %q", lang, note, said)
			}
			for _, p := range want {
				if !strings.Contains(said, p) {
					t.Fatalf("%s: %q said %q, without %q", lang, note, said, p)
				}
			}
			if lang == "nl" && said == note {
				t.Fatalf("%q is not said in Dutch", note)
			}
		}
		odd := rapid.StringMatching(`zz[a-z %]{0,20}`).Draw(t, "unknown note")
		if got := historyNote("nl", odd); got != odd {
			t.Fatalf("unknown note %q said %q", odd, got)
		}
	})
	// Notes as stored by earlier versions (the texts never change).
	for note, key := range map[string]string{
		"order placed":                                        "placed",
		"payment tr_1 paid (an earlier attempt)":              "paid_earlier",
		"payment tr_1 expired":                                "payment_expired",
		"return R-1 requested (3 items)":                      "return_requested",
		"refund re_1 of EUR 5.00 recorded (return)":           "refund_recorded",
		"refund re_1 of 5.00 for stray payment tr_2 recorded": "refund_stray",
		"refund re_1 recorded → refunded ":                    "refund_status",
		"refund re_1 pending → failed re_abc":                 "refund_status",
		"payment refused: provider reports 9.99 EUR for payment tr_1, the order expects 24.95 EUR": "payment_refused",
		"payment tr_9 was paid while the order is canceled; refund it":                             "paid_while",
		"replaced by a new checkout of the same cart":                                              "replaced",
		"carrier: delivered":                              "carrier_delivered",
		"personal data deleted at the customer's request": "anonymised",
	} {
		if got, _, ok := readNote(note); !ok || got.key != key {
			t.Errorf("%q read as %q, want %s", note, got.key, key)
		}
		if got := historyNote("nl", note); got == note {
			t.Errorf("%q is not said in Dutch", note)
		}
	}
	// Parts with words of their own: a refund's statuses, an order's state,
	// a count's plural.
	for _, c := range []struct{ lang, note, want string }{
		{"nl", "refund re_1 recorded → refunded re_x", "terugbetaling re_1: vastgelegd → terugbetaald re_x"},
		{"en", "refund re_1 pending → failed ", "refund re_1: pending → failed "},
		{"nl", "payment tr_9 was paid while the order is canceled; refund it", "betaling tr_9 kwam binnen terwijl de bestelling geannuleerd is; betaal hem terug"},
		{"nl", "return R-1 requested (1 items)", "retour R-1 aangevraagd (1 artikel)"},
		{"nl", "return R-1 requested (2 items)", "retour R-1 aangevraagd (2 artikelen)"},
		{"en", "return R-1 requested (1 items)", "return R-1 requested (1 item)"},
	} {
		if got := historyNote(c.lang, c.note); got != c.want {
			t.Errorf("%s: %q said %q, want %q", c.lang, c.note, got, c.want)
		}
	}
	for _, st := range []string{order.RefundRecorded, order.RefundQueued, order.RefundPending, order.RefundProcessing, order.RefundRefunded, order.RefundFailed, order.RefundCanceled} {
		for _, lang := range []string{"nl", "en"} {
			if _, ok := words.Lookup(lang, "owner.refund_status."+st); !ok {
				t.Errorf("no %s words for refund status %s", lang, st)
			}
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
