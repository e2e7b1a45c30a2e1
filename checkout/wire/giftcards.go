package wire

import "time"

// GiftCardView is a gift card as the admin API shows it
// (GET /api/admin/giftcards and /api/admin/giftcards/{id}). The code is
// shown in full only by the one-card answer.
type GiftCardView struct {
	ID        string             `json:"id"`
	Code      string             `json:"code,omitempty"`
	Last4     string             `json:"last4"`
	URL       string             `json:"url"` // the card's page
	Currency  string             `json:"currency"`
	Initial   int64              `json:"initial"`
	Balance   int64              `json:"balance"`
	Reserved  int64              `json:"reserved"`
	Spent     int64              `json:"spent"`
	CreatedAt time.Time          `json:"created_at"`
	ExpiresAt time.Time          `json:"expires_at,omitzero"`
	OrderID   string             `json:"order_id,omitempty"` // the order that bought it
	Recipient string             `json:"recipient,omitempty"`
	SendOn    time.Time          `json:"send_on,omitzero"`
	History   []GiftCardLineView `json:"history,omitempty"`
	// The shop voided the unspent balance: how much, when and why.
	Voided     int64     `json:"voided,omitempty"`
	VoidedAt   time.Time `json:"voided_at,omitzero"`
	VoidReason string    `json:"void_reason,omitempty"`
	// TimeZone is the shop's time zone (IANA name): the CLI shows the
	// dates and times above in it.
	TimeZone string `json:"time_zone,omitempty"`
}

// GiftCardLineView is one line of a card's history.
type GiftCardLineView struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"` // issued, reserved, released, spent, refunded, voided
	Amount  int64     `json:"amount"`
	OrderID string    `json:"order_id,omitempty"`
	Note    string    `json:"note,omitempty"` // a voided balance: the owner's reason
}

// GiftCardList is the answer of GET /api/admin/giftcards.
type GiftCardList struct {
	GiftCards []GiftCardView `json:"giftcards"`
}
