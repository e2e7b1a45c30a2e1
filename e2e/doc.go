// Package e2e holds the storefront's browser tests: the customer's whole
// journey (browse, filter, cart, checkout, pay, follow the order) driven in a
// real headless Chromium against the demo shop, built once and served with
// the checkout sidecar on one 127.0.0.1 port in the URL layout of production.
//
// The non-test files hold the pure checks the journeys use (reading prices,
// sort order, local URLs, the outbox's e-mails); they are tested without a
// browser. docs/testing.md says how to run the tests.
package e2e
