package wire

// CodeRequest is the body of POST /api/admin/codes: a discount code the
// owner makes (docs/codes.md). Percent or Amount (minor units, incl. VAT),
// not both. From and To are a day (YYYY-MM-DD, in the shop's zone; To
// includes the whole day) or an RFC 3339 time; empty is open.
type CodeRequest struct {
	Code           string   `json:"code"`
	Percent        int64    `json:"percent,omitempty"`
	Amount         int64    `json:"amount,omitempty"`
	MinOrder       int64    `json:"min_order,omitempty"`
	From           string   `json:"from,omitempty"`
	To             string   `json:"to,omitempty"`
	Categories     []string `json:"categories,omitempty"`
	Products       []string `json:"products,omitempty"`
	SKUs           []string `json:"skus,omitempty"`
	MaxUses        int      `json:"max_uses,omitempty"`
	MaxPerCustomer int      `json:"max_per_customer,omitempty"`
}

// CodeView is a discount code as the owner sees it, with its uses.
type CodeView struct {
	Code           string   `json:"code"`
	Kind           string   `json:"kind"` // percent, fixed
	Percent        int64    `json:"percent,omitempty"`
	Amount         int64    `json:"amount,omitempty"` // minor units
	MinOrder       int64    `json:"min_order,omitempty"`
	From           string   `json:"from,omitempty"` // RFC 3339
	To             string   `json:"to,omitempty"`
	Categories     []string `json:"categories,omitempty"`
	Products       []string `json:"products,omitempty"`
	SKUs           []string `json:"skus,omitempty"`
	MaxUses        int      `json:"max_uses,omitempty"`
	MaxPerCustomer int      `json:"max_per_customer,omitempty"`
	Disabled       bool     `json:"disabled"`
	Source         string   `json:"source"` // file (data/codes.toml) or admin
	Uses           int      `json:"uses"`   // held by orders now (not canceled, payment not failed)
}

// CodeList is the answer of GET /api/admin/codes.
type CodeList struct {
	Codes []CodeView `json:"codes"`
}
