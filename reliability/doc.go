// Package reliability holds the checkout sidecar's reliability suite: crash
// and restart of the real binary, payment provider faults, webhook abuse,
// hostile input, content faults, backup under load, and fuzz targets. The
// suite lives in the package's tests; see docs/reliability.md for what each
// test proves and the figures of the load generator (cmd/loadgen).
package reliability
