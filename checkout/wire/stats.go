package wire

import (
	"time"

	"github.com/storefront/storefront/checkout/promise"
	"github.com/storefront/storefront/checkout/stats"
)

// MethodFigures is how one shipping method kept its promises.
type MethodFigures struct {
	promise.MethodStats
	Name string `json:"name"`
	// ExtraDays is the lengthening in force now (from the recent deliveries,
	// whatever the period asked), RecentOnTime and Sample what it rests on.
	ExtraDays    int     `json:"extra_days"`
	RecentOnTime float64 `json:"recent_on_time"`
	Sample       int     `json:"recent_sample"`
}

// StatsAnswer is the answer of GET /api/admin/stats.
type StatsAnswer struct {
	From      time.Time       `json:"from"`
	To        time.Time       `json:"to"` // exclusive
	Target    float64         `json:"on_time_target"`
	Methods   []MethodFigures `json:"methods"`
	Retention stats.Report    `json:"retention"`
	Notes     []string        `json:"notes,omitempty"`
}
