// Command shop is storefront's one binary: it builds the shop with the
// embedded Hugo, serves it to editors with the checkout on one port, checks
// the content, and runs the checkout sidecar. Built with -tags sidecar it
// leaves out the commands that need Hugo (nosite.go), for the server.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	// The shop's time zone (delivery cut-offs, the owner's order times)
	// must load where the machine has no zone database (Windows without
	// Go, minimal containers): about 450 KB of zone data in the binary.
	_ "time/tzdata"

	"github.com/storefront/storefront/checkout/cli"
	"github.com/storefront/storefront/checkout/cli/host"
)

// version is set at link time: go build -ldflags "-X main.version=v1.2.0".
var version = ""

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and found a problem (build error, doctor errors)
	exitUsage = 2 // the command line is wrong
)

const usage = `shop — a web shop from Markdown, built with Hugo, with a small checkout.

Usage: shop <command> [flags]

Commands for the shop's content:
  build     build the site into public/ (what the CDN publishes)
  serve     run the shop locally with live reload and checkout, for editors
  new       start a new product, story, guide or maker page
  doctor    check the content for missing photos, alt texts, prices, links …
  prices    record price changes in data/pricehistory.toml (backs "was" prices)

Commands for the checkout sidecar:
  checkout  run the checkout sidecar (cart, payments, orders, e-mail)
  orders    list and handle orders of a running sidecar
  backup    copy the order database of a running sidecar
  reviews   moderate customers' reviews and export them into data/reviews/
  notify    e-mail subscribers one digest of new arrivals
  subscriptions  standing orders (coffee on subscription): list, show, pause, resume, cancel
  codes          discount codes: list, create, disable, enable (docs/codes.md)
  stats     promises kept per shipping method, repeat customers, reviews, returns
  invoices  export the invoices and credit notes as CSV for the bookkeeper
  giftcards list the gift cards sold and their balance, or show one (docs/giftcards.md)

Other:
  version   print the versions of shop and the embedded Hugo
  help      print this help, or help about a command: shop help build

Run 'shop <command> -h' for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "build":
		err = cmdBuild(rest, stdout, stderr)
	case "serve", "server":
		err = cmdServe(rest, stdout, stderr)
	case "new":
		err = cmdNew(rest, stdout, stderr)
	case "doctor":
		err = cmdDoctor(rest, stdout, stderr)
	case "prices":
		err = cmdPrices(rest, stdout, stderr)
	case "checkout":
		err = host.Checkout(rest)
	case "orders":
		err = cli.Orders(rest)
	case "backup":
		err = host.Backup(rest)
	case "reviews":
		err = cli.Reviews(rest)
	case "notify":
		err = cli.Notify(rest)
	case "stats":
		err = cli.Stats(rest)
	case "subscriptions":
		err = cli.Subscriptions(rest)
	case "codes":
		err = cli.Codes(rest)
	case "invoices":
		err = cli.Invoices(rest)
	case "giftcards":
		err = cli.GiftCards(rest)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "shop %s (Hugo %s, %s)\n", shopVersion(), hugoVersion(), goVersion())
		return exitOK
	case "help", "-h", "--help", "-help":
		if len(rest) > 0 && rest[0] != "help" {
			return run([]string{rest[0], "-h"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "shop: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	return exitCode(cmd, err, stderr)
}

// usageError is a wrong command line; the flag set has printed its usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// failed is a command that ran and reported its problem already.
var errReported = errors.New("reported")

func exitCode(cmd string, err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errReported):
		return exitFail
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintf(stderr, "shop %s: %s\n", cmd, ue.msg)
		}
		return exitUsage
	default:
		fmt.Fprintf(stderr, "shop %s: %v\n", cmd, err)
		return exitFail
	}
}

// flags makes a flag set that reports errors instead of exiting.
func flags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{}
	}
	return nil
}

func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func shopVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if (v == "" || v == "(devel)") && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return "devel-" + rev + dirty
	}
	if v == "" {
		return "(devel)"
	}
	return v
}

func goVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.GoVersion
	}
	return "go"
}
