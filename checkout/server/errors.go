package server

import "errors"

// Domain errors of the use cases. They name what went wrong, not how a
// surface shows it: the JSON API and the HTML pages each have one mapper
// (respond.go: apiError, pageError) from these to a status and words.
var (
	// ErrBadTrackingLink: a tracking link that is not an http(s) URL of sane length.
	ErrBadTrackingLink = errors.New("tracking_url must be an http(s) link, e.g. https://jouw.postnl.nl/track-and-trace/3SABC123")
	// ErrCancelRefund: the order is canceled, but its refund did not go
	// through; canceling again retries it. Wraps the provider's error.
	ErrCancelRefund = errors.New("the order is canceled, but the refund failed")
)
