package cli

import (
	"flag"
	"io"
	"net/http"

	"github.com/storefront/storefront/checkout/cli/clitest"
)

func newJar() http.CookieJar { return clitest.NewJar() }

func newFS() *flag.FlagSet {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}
