package catalog

// Loyalty is the loyalty points rule of data/shop.toml [loyalty] (optional;
// checkout/loyalty applies it).
type Loyalty struct {
	PointsPerEuro int `json:"points_per_euro"` // points per whole euro paid for goods
	PointValue    int `json:"point_value"`     // minor units one point is worth at checkout
	MinRedeem     int `json:"min_redeem"`      // fewest points redeemed at once
}
