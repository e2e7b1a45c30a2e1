// Package fidelity holds the check of molliefake against Mollie's official
// Node client (@mollie/api-client, pinned in package-lock.json): the Go test
// serves the fake over TLS on 127.0.0.1 with a self-signed certificate and
// runs fidelity.js against it. The same script runs unchanged against
// Mollie's real test mode; see docs/checkout.md, "How we know our Mollie
// client is right".
package fidelity
