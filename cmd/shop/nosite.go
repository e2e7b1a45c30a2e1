//go:build sidecar

package main

// A server's binary: go build -tags sidecar ./cmd/shop. It runs the checkout
// sidecar and the owner's commands without Hugo, whose packages' start-up
// alone costs the sidecar about 30 MB of memory and the binary 60 MB
// (docs/benchmarks.md); the commands for the shop's content say where they are.

import (
	"errors"
	"io"
)

var errNoSite = errors.New("this shop binary was built for the server (-tags sidecar) and has no site commands: build, serve, new, doctor and prices are in the full binary (go build ./cmd/shop)")

func hugoVersion() string { return "not included" }

func cmdBuild(args []string, stdout, stderr io.Writer) error  { return errNoSite }
func cmdServe(args []string, stdout, stderr io.Writer) error  { return errNoSite }
func cmdNew(args []string, stdout, stderr io.Writer) error    { return errNoSite }
func cmdDoctor(args []string, stdout, stderr io.Writer) error { return errNoSite }
func cmdPrices(args []string, stdout, stderr io.Writer) error { return errNoSite }
