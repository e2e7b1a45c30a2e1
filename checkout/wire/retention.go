package wire

import (
	"github.com/storefront/storefront/checkout/review"
)

// ReviewList is the admin API's answer with reviews.
type ReviewList struct {
	Reviews []review.Review `json:"reviews"`
}

// NotifyResult says what one notify run did.
type NotifyResult struct {
	Baseline   bool     `json:"baseline"`  // first run: the catalog is recorded, nothing sent
	Unchanged  bool     `json:"unchanged"` // the catalog is the one announced last
	Version    string   `json:"version"`
	Arrivals   []string `json:"arrivals"`   // new product slugs
	Queued     int      `json:"queued"`     // digests queued now
	Already    int      `json:"already"`    // digests of this catalog queued before
	Recipients []string `json:"recipients"` // addresses queued now (dry run: would be)
	DryRun     bool     `json:"dry_run,omitempty"`
}
