// Package wire holds the JSON bodies of the sidecar's admin API (and the
// order view the customer's API shares): the server fills them, the CLI
// (`shop orders`, `shop reviews`, `shop stats`, ...) reads them. It imports
// only pure packages, so the CLI links no Gin and no bbolt.
package wire
