// Package retention is the HTTP side of what brings customers back:
// reviews, polls, the points page and the customer's data (privacy.go),
// newsletter subscriptions, back-in-stock alerts, the site search, loyalty
// points at checkout and the delivery promises (loyalty.go). Each resource
// is a type holding *web.Web and its use cases as exported fields; the
// server (checkout/server) builds them, names their handlers in its route
// table, and runs their workers and mail kinds.
package retention

import "github.com/storefront/storefront/checkout/store"

// mailJob is one queued e-mail as the mail worker hands it to a sender; the
// name keeps the handler files of the retention resources off the store
// (checkout/archtest).
type mailJob = store.Mail

// nonEmpty drops the empty strings of xs (the lines of a retention mail).
func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
