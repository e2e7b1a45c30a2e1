package view

// PointsOffer is what the checkout page offers of loyalty points: the
// customer's balance when known, what using it takes off, and whether the
// customer ticked it. Loyalty fills it; the checkout page shows it.
type PointsOffer struct {
	On       bool   // the shop has a loyalty programme
	Email    string // proven by the points link cookie
	Balance  int
	Points   int    // what the checkbox would use now
	Discount string // and what that takes off
	Worth    string // what the whole balance is worth
	Min      int    // fewest points redeemed at once
	Using    bool   // the customer ticked it: the totals shown include it
	Error    string
	Lang     string
}
