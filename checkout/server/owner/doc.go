// Package owner is the owner's side of the sidecar: the admin JSON API
// (`shop orders`, `shop backup`, ...) and its bearer-token guard, the
// owner's pages at /admin/ with their login, sessions and CSRF guard, the
// packing slips and pick list, refunds and returns received, e-mail that
// could not be sent, the figures and the public promise, health (/healthz,
// /readyz, metrics' state, verified backups, alerts), the outbox of `shop
// serve`, and the owner's discount codes and standing orders pages.
//
// Each resource is a type holding *web.Web and the use cases and
// collaborators it calls as exported fields; checkout/server builds them
// (ownerhttp.go) and names their handlers in routes.go, which attaches
// API.AdminAuth and Pages.AdminSession once per group. What a resource needs
// of another group's (an order's JSON view, its after-sale view, a standing
// order's view, the codes file, the label button, the alerts' words) is a
// func field the sidecar fills; this package imports no other resource
// package.
package owner
