package wire

import (
	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/recurring"
)

// StandingView is a standing order as its customer (and the owner) sees it.
type StandingView struct {
	ID          string            `json:"id"`
	State       recurring.State   `json:"state"`
	PauseReason string            `json:"pause_reason,omitempty"`
	Email       string            `json:"email"`
	Address     recurring.Address `json:"address"`
	SKU         string            `json:"sku"`
	Title       string            `json:"title"`
	Variant     string            `json:"variant,omitempty"`
	Quantity    int               `json:"quantity"`
	Weeks       int               `json:"weeks"`
	Currency    string            `json:"currency"`
	NextCharge  string            `json:"next_charge,omitempty"` // YYYY-MM-DD
	NextAmount  money.Amount      `json:"next_amount"`
	NewPrice    money.Amount      `json:"new_price,omitempty"`
	Skipped     []int             `json:"skipped,omitempty"`
	Failures    int               `json:"failures,omitempty"` // failed charges of the next delivery
	Orders      map[int]string    `json:"orders,omitempty"`
	Page        string            `json:"page,omitempty"` // the customer's page (customer view only)
}

// StandingList is the answer of GET /api/admin/standing.
type StandingList struct {
	Standing []StandingView  `json:"standing"`
	Figures  StandingFigures `json:"figures"`
}

// StandingFigures are the owner's numbers about standing orders.
type StandingFigures struct {
	ByState map[recurring.State]int `json:"by_state"`
	// MRR is the monthly recurring revenue of the active standing orders
	// (items and shipping, a charge every n weeks counted as 52/12/n a month).
	MRR      money.Amount `json:"mrr"`
	Currency string       `json:"currency"`
	// Churn is the share of standing orders that were active at the start of
	// the last 30 days and were stopped within them (0..1).
	Churn float64 `json:"churn"`
	// Upcoming are the deliveries charged in the coming 7 days, per SKU.
	Upcoming []StandingUpcoming `json:"upcoming"`
}

// StandingUpcoming is what the coming week's deliveries need of one SKU (for
// roasting: units and, when the variant says so, grams).
type StandingUpcoming struct {
	SKU      string `json:"sku"`
	Title    string `json:"title"`
	Variant  string `json:"variant,omitempty"`
	Units    int    `json:"units"`
	Grams    int    `json:"grams,omitempty"` // from a variant such as "250 g"
	Delivers int    `json:"deliveries"`
}
