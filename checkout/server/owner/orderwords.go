package owner

import (
	"regexp"
	"slices"

	"github.com/storefront/storefront/checkout/cart"
	"github.com/storefront/storefront/checkout/order"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/words"
)

// An order keeps its discounts' labels in the customer's language and its
// history in the domain's English (order.EventRecord); the owner's page
// says both in the owner's words. The stored order is not changed.

// adjustmentName is a discount line of o in the owner's words, by its kind
// ("owner.order.adj.<kind>"; a code is named): an unknown kind keeps the
// label the order stored.
func adjustmentName(o *order.Order, a cart.Adjustment, lang string) string {
	if a.Kind == cart.KindCode {
		return web.OwnerT(lang, "order.adj.code", o.DiscountCode)
	}
	if s, ok := words.Lookup(lang, "owner.order.adj."+a.Kind); ok {
		return s
	}
	if a.Label != "" {
		return a.Label
	}
	return a.Kind
}

// historyNotes are the notes the domain records (package order, store's
// anonymising) with the owner's words for them ("owner.history.<key>",
// the submatches in order). A note none of them matches is shown as stored.
var historyNotes = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^order placed$`), "placed"},
	{regexp.MustCompile(`^payment (\S+) paid$`), "paid"},
	{regexp.MustCompile(`^payment (\S+) paid \(an earlier attempt\)$`), "paid_earlier"},
	{regexp.MustCompile(`^payment (\S+) failed$`), "payment_failed"},
	{regexp.MustCompile(`^payment (\S+) canceled$`), "payment_canceled"},
	{regexp.MustCompile(`^payment (\S+) expired$`), "payment_expired"},
	{regexp.MustCompile(`^new payment (\S+)$`), "new_payment"},
	{regexp.MustCompile(`^adopted payment (\S+) that was never recorded$`), "adopted"},
	{regexp.MustCompile(`^paid in full by gift card (\S+)$`), "gift_paid"},
	{regexp.MustCompile(`^canceled$`), "canceled"},
	{regexp.MustCompile(`^no payment was started$`), "no_payment"},
	{regexp.MustCompile(`^label (\S+)$`), "label"},
	{regexp.MustCompile(`^return (\S+) requested \((\d+) items\)$`), "return_requested"},
	{regexp.MustCompile(`^return (\S+) received$`), "return_received"},
	{regexp.MustCompile(`^refund (\S+) of (.+) recorded \((.*)\)$`), "refund_recorded"},
	{regexp.MustCompile(`^refund (\S+) of (.+) to gift card (\S+)$`), "refund_gift_card"},
	{regexp.MustCompile(`^personal data deleted at the customer's request$`), "anonymised"},
}

// historyNote says a stored note in the owner's words.
func historyNote(lang, note string) string {
	for _, n := range historyNotes {
		m := n.re.FindStringSubmatch(note)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, s := range m[1:] {
			args[i] = s
		}
		return web.OwnerT(lang, "history."+n.key, args...)
	}
	return note
}

// historyActor says who did it ("owner.history.by.<actor>"), or the actor
// as stored when it is not one the shop knows.
func historyActor(lang, by string) string {
	if s, ok := words.Lookup(lang, "owner.history.by."+by); ok {
		return s
	}
	return by
}

// ownerWordsOf sets cp's discount labels and history in the owner's words
// (cp is a copy: its slices are cloned here).
func ownerWordsOf(cp *order.Order, lang string) {
	cp.Totals.Adjustments = slices.Clone(cp.Totals.Adjustments)
	for i, a := range cp.Totals.Adjustments {
		cp.Totals.Adjustments[i].Label = adjustmentName(cp, a, lang)
	}
	cp.History = slices.Clone(cp.History)
	for i, h := range cp.History {
		cp.History[i].By, cp.History[i].Note = historyActor(lang, h.By), historyNote(lang, h.Note)
	}
}
