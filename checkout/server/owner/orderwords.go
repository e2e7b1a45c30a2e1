package owner

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

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

// historyNote is a reader of one kind of note (order.NoteKinds): its
// pattern, with a group per part, and the owner's words for it
// ("owner.history.<key>", the parts in order).
type historyNoteKind struct {
	re    *regexp.Regexp
	key   string
	count []bool // part i is a count (%d): put in as a number, for plural forms
}

// historyNotes read every kind of note the domain writes, derived from
// the formats in package order (one place), so a new kind is read here
// without a second copy of its text. A note none of them matches is shown
// as stored.
var historyNotes = func() []historyNoteKind {
	verb := regexp.MustCompile(`%[sd]`)
	var out []historyNoteKind
	for _, k := range order.NoteKinds() {
		var count []bool
		pattern := verb.ReplaceAllStringFunc(regexp.QuoteMeta(k.Format), func(v string) string {
			count = append(count, v == "%d")
			if v == "%d" {
				return `(\d+)`
			}
			return `(.*?)`
		})
		out = append(out, historyNoteKind{re: regexp.MustCompile("^" + pattern + "$"), key: string(k.Key), count: count})
	}
	return out
}()

// partWords say some parts of a note in the owner's words too: a refund's
// statuses and an order's state. A part without words stays as stored.
var partWords = map[string]map[int]func(lang, part string) string{
	string(order.NoteRefundStatus): {1: refundStatusWords, 2: refundStatusWords},
	string(order.NotePaidWhile):    {1: stateWords},
}

// stateWords is an order state in the owner's words, lower case inside a
// sentence; an unknown state as stored.
func stateWords(lang, st string) string {
	if w := web.StateWords(lang, st); w != st {
		return strings.ToLower(w)
	}
	return st
}

func refundStatusWords(lang, st string) string {
	if s, ok := words.Lookup(lang, "owner.refund_status."+st); ok {
		return s
	}
	return st
}

// readNote is the kind of a stored note and its parts; false for a note
// of no known kind.
func readNote(note string) (historyNoteKind, []string, bool) {
	for _, n := range historyNotes {
		if m := n.re.FindStringSubmatch(note); m != nil {
			return n, m[1:], true
		}
	}
	return historyNoteKind{}, nil, false
}

// historyNote says a stored note in the owner's words.
func historyNote(lang, note string) string {
	n, parts, ok := readNote(note)
	if !ok {
		return note
	}
	args := make([]any, len(parts))
	for i, p := range parts {
		args[i] = p
		if n.count[i] {
			if v, err := strconv.Atoi(p); err == nil {
				args[i] = v // a count: its plural form
			}
		} else if say := partWords[n.key][i]; say != nil {
			args[i] = say(lang, p)
		}
	}
	return web.OwnerT(lang, "history."+n.key, args...)
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
