package view

// PointsOffer is what the checkout page offers: the customer's balance when
// their points link is in this browser, else a pointer to the points page.
type PointsOffer struct {
	On       bool   // the shop has a loyalty programme
	Email    string // proven by the points link cookie
	Balance  int
	Points   int    // what the checkbox would use now
	Discount string // and what that takes off
	Worth    string // what the whole balance is worth
	Min      int    // fewest points redeemed at once
	NoGoods  bool   // nothing here points can pay (gift cards only, or a code took all)
	Using    bool   // the customer ticked it: the totals shown include it
	Error    string
	Lang     string
}
