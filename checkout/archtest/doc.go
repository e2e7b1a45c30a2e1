// Package archtest holds no code: its tests check the shape of the
// checkout packages (docs/architecture.md, "Import graph"): the domain
// packages do no I/O, the CLI is an HTTP client without the server's
// dependencies, the store's packages point one way (store -> store/side ->
// store/kv), and the resource packages under checkout/server import
// neither the wiring nor one another (but for the one-way pairs).
package archtest
