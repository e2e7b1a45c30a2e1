package server

import "time"

// The HTTP server's timeouts, one set for `shop checkout` and `shop serve`:
// a client that sends its headers or body slowly is cut off after
// ReadHeaderTimeout / ReadTimeout instead of holding a connection open.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 90 * time.Second
)
