package order

import (
	"fmt"
	"slices"
)

// NoteKey names a kind of note in an order's history.
type NoteKey string

// The kinds of note the code writes in an order's history. The stored text
// is English (NoteKind.Format, never changed once written); the owner's
// page says each kind in the owner's words ("owner.history.<key>") without
// changing what is stored. A new note is added here, and only here, and
// TestHistoryNotesInOwnerWords (checkout/server/owner) then wants its words.
const (
	NotePlaced          NoteKey = "placed"
	NotePaid            NoteKey = "paid"
	NotePaidEarlier     NoteKey = "paid_earlier"
	NotePaymentFailed   NoteKey = "payment_failed"
	NotePaymentCanceled NoteKey = "payment_canceled"
	NotePaymentExpired  NoteKey = "payment_expired"
	NoteNewPayment      NoteKey = "new_payment"
	NoteAdopted         NoteKey = "adopted"
	NotePaymentRefused  NoteKey = "payment_refused"
	NotePaidWhile       NoteKey = "paid_while"
	NoteGiftPaid        NoteKey = "gift_paid"
	NoteCanceled        NoteKey = "canceled"
	NoteNoPayment       NoteKey = "no_payment"
	NoteReplaced        NoteKey = "replaced"
	NoteLabel           NoteKey = "label"
	NoteCarrierDelivery NoteKey = "carrier_delivered"
	NoteReturnRequested NoteKey = "return_requested"
	NoteReturnReceived  NoteKey = "return_received"
	NoteRefundRecorded  NoteKey = "refund_recorded"
	NoteRefundGiftCard  NoteKey = "refund_gift_card"
	NoteRefundStray     NoteKey = "refund_stray"
	NoteRefundStatus    NoteKey = "refund_status"
	NoteAnonymised      NoteKey = "anonymised"
)

// NoteKind is one kind of note: its key and its English text, with %s for
// each part (an id, an amount, a status) and %d for a count.
type NoteKind struct {
	Key    NoteKey
	Format string
}

// noteKinds are every note the code writes, in the order a reader of the
// history matches them (a more specific text before a general one).
var noteKinds = []NoteKind{
	{NotePlaced, "order placed"},
	{NotePaidEarlier, "payment %s paid (an earlier attempt)"},
	{NotePaid, "payment %s paid"},
	{NotePaymentFailed, "payment %s failed"},
	{NotePaymentCanceled, "payment %s canceled"},
	{NotePaymentExpired, "payment %s expired"},
	{NoteNewPayment, "new payment %s"},
	{NoteAdopted, "adopted payment %s that was never recorded"},
	{NotePaymentRefused, "payment refused: provider reports %s %s for payment %s, the order expects %s %s"},
	{NotePaidWhile, "payment %s was paid while the order is %s; refund it"},
	{NoteGiftPaid, "paid in full by gift card %s"},
	{NoteCanceled, "canceled"},
	{NoteNoPayment, "no payment was started"},
	{NoteReplaced, "replaced by a new checkout of the same cart"},
	{NoteLabel, "label %s"},
	{NoteCarrierDelivery, "carrier: delivered"},
	{NoteReturnRequested, "return %s requested (%d items)"},
	{NoteReturnReceived, "return %s received"},
	{NoteRefundRecorded, "refund %s of %s recorded (%s)"},
	{NoteRefundGiftCard, "refund %s of %s to gift card %s"},
	{NoteRefundStray, "refund %s of %s for stray payment %s recorded"},
	{NoteRefundStatus, "refund %s %s → %s %s"},
	{NoteAnonymised, "personal data deleted at the customer's request"},
}

// NoteKinds lists every kind of note (a copy), in matching order.
func NoteKinds() []NoteKind { return slices.Clone(noteKinds) }

// Note is the history text of kind key with its parts. An unknown key is
// a programming error.
func Note(key NoteKey, args ...any) string {
	for _, k := range noteKinds {
		if k.Key == key {
			return fmt.Sprintf(k.Format, args...)
		}
	}
	panic(fmt.Sprintf("order: no note kind %q", key))
}
