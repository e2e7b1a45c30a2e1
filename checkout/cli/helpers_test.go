package cli

import (
	"flag"
	"io"
	"net/http"
	"net/http/cookiejar"
)

func newJar() http.CookieJar { j, _ := cookiejar.New(nil); return j }

func newFS() *flag.FlagSet {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}
