// Package archtest holds no code: its tests check the shape of the
// checkout packages (docs/architecture.md, "Import graph"): the domain
// packages do no I/O, and the CLI is an HTTP client without the server's
// dependencies.
package archtest
