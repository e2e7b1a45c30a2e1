package catalog

// Loyalty is the loyalty points rule of data/shop.toml [loyalty] (optional;
// checkout/loyalty applies it).
type Loyalty struct {
	PointsPerEuro int `json:"points_per_euro"` // points per whole euro paid for goods
	PointValue    int `json:"point_value"`     // minor units one point is worth at checkout
	MinRedeem     int `json:"min_redeem"`      // fewest points redeemed at once
	// EarnOnGiftCards: gift cards bought earn points too (default: only
	// the goods their money buys later do; docs/loyalty-and-promises.md).
	EarnOnGiftCards bool `json:"earn_on_gift_cards,omitempty"`
}
