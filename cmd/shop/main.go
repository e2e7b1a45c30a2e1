// Command shop is storefront's one binary: it builds the shop with the
// embedded Hugo, serves it to editors with the checkout on one port, checks
// the content, and runs the checkout sidecar.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/storefront/storefront/checkout/cli"
	"github.com/storefront/storefront/checkout/cli/host"
	"github.com/storefront/storefront/checkout/server"
	"github.com/storefront/storefront/doctor"
	"github.com/storefront/storefront/site"
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
		fmt.Fprintf(stdout, "shop %s (Hugo %s, %s)\n", shopVersion(), site.HugoVersion(), goVersion())
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

func cmdBuild(args []string, stdout, stderr io.Writer) error {
	fs := flags("build", `Usage: shop build [-s DIR] [-d DIR] [--baseURL URL]

Builds the shop in DIR (default: this folder) into public/: minified pages,
fingerprinted CSS and JS, resized photos, feeds and catalog.json (the prices
the checkout charges). A content error names the file and field to fix.`, stderr)
	src := fs.String("s", ".", "the shop's folder (with hugo.toml)")
	dest := fs.String("d", "", "output folder (default: DIR/public)")
	baseURL := fs.String("baseURL", "", "the shop's public address, overriding hugo.toml (e.g. https://winkel.example.nl/)")
	sidecar := fs.String("sidecar", os.Getenv("SHOP_SIDECAR_URL"), "address of the checkout sidecar; writes public/_redirects so the CDN proxies /api/, /cart/, /checkout/, /order/, /pay/, /points/, /search/, /standing/ to it (env SHOP_SIDECAR_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	res, err := site.Build(site.BuildOptions{Source: *src, Dest: *dest, BaseURL: *baseURL})
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	var be *site.BuildError
	if errors.As(err, &be) {
		fmt.Fprintln(stderr, "shop build: the site was not built:")
		for _, p := range be.Problems {
			fmt.Fprintf(stderr, "  %s\n", p)
		}
		if len(be.Problems) == 0 {
			fmt.Fprintf(stderr, "  %v\n", be)
		}
		return errReported
	}
	if err != nil {
		return err
	}
	if *sidecar != "" {
		if err := site.WriteRedirects(res.Dest, *sidecar); err != nil {
			return err
		}
	} else if os.Getenv("NETLIFY") == "true" {
		fmt.Fprintln(stderr, "warning: SHOP_SIDECAR_URL is not set: cart and checkout will not work on this deploy (set it in Netlify's environment variables)")
	}
	fmt.Fprintln(stdout, res.Summary())
	return nil
}

func cmdServe(args []string, stdout, stderr io.Writer) error {
	fs := flags("serve", `Usage: shop serve [-s DIR] [--port N]

Runs the shop on your computer for editing: builds it, watches content/,
themes/, data/ and hugo.toml, rebuilds when you save and reloads the open
browser tab. The checkout runs on the same port with a test payment page, so
you can try an order; orders go to DIR/var/shop.db, e-mails to DIR/var/outbox.`, stderr)
	src := fs.String("s", ".", "the shop's folder (with hugo.toml)")
	port := fs.Int("port", 1313, "port to open in the browser")
	bind := fs.String("bind", "127.0.0.1", "interface to listen on (the shop's links keep using localhost)")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	dir, err := filepath.Abs(*src)
	if err != nil {
		return err
	}
	return site.Serve(ctx, site.ServeOptions{
		Source: dir, Port: *port, Bind: *bind, Out: stdout, Log: log,
		Timeouts: site.Timeouts{ReadHeader: server.ReadHeaderTimeout, Read: server.ReadTimeout,
			Write: server.WriteTimeout, Idle: server.IdleTimeout},
		Sidecar: func(ctx context.Context, catalog, baseURL string) (site.Sidecar, error) {
			varDir := filepath.Join(dir, "var")
			if err := os.MkdirAll(filepath.Join(varDir, "outbox"), 0o755); err != nil {
				return nil, err
			}
			token, err := devAdminToken()
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(stdout, "Owner's page: %sadmin/ (admin token: %s)\n", baseURL, token)
			return server.Open(ctx, server.Options{
				Catalog:    catalog,
				DataFile:   filepath.Join(varDir, "shop.db"),
				BaseURL:    baseURL,
				OutboxDir:  filepath.Join(varDir, "outbox"),
				AdminToken: token,
				Dev:        true,
				CodesFile:  filepath.Join(dir, "data", "codes.toml"), // discount codes that live in git
			}, log)
		},
	})
}

// devAdminToken is the owner's token for shop serve: SHOP_ADMIN_TOKEN when
// set, else a new random one for this run (printed, never logged).
func devAdminToken() (string, error) {
	if t := os.Getenv("SHOP_ADMIN_TOKEN"); t != "" {
		return t, nil
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make an admin token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func cmdNew(args []string, stdout, stderr io.Writer) error {
	fs := flags("new", `Usage: shop new product|story|guide|maker NAME [-s DIR]

Starts a new page as a folder content/<section>/NAME/ (products, stories,
guides, makers) with index.md from the theme's archetype: every field you
must fill is there, with a comment saying what it is for. Put the photos in
the same folder; translate into index.en.md next to it. NAME becomes the web
address: lower case letters, digits and hyphens (ethiopie-guji).`, stderr)
	src := fs.String("s", ".", "the shop's folder (with hugo.toml)")
	// Allow flags after the positional arguments: shop new product x -s dir.
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return usageError{"give a kind and a name, e.g. shop new product ethiopie-guji"}
	}
	files, err := site.New(*src, pos[0], pos[1])
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "created %s\n", filepath.Join(*src, f))
	}
	fmt.Fprintln(stdout, "Fill in the fields (the comments say what each is for), add photos to the folder, then run: shop doctor")
	return nil
}

func cmdDoctor(args []string, stdout, stderr io.Writer) error {
	fs := flags("doctor", `Usage: shop doctor [-s DIR] [--json]

Checks the shop's content before publishing: every product has photos with
alt text, a real description, specs, a valid price, a unique SKU, a known
category, VAT and delivery class; links and images point to something that
exists; delivery and return terms exist in every language.
Exits with status 1 when there are errors (warnings do not fail), so a shop
can run it in its own CI.`, stderr)
	src := fs.String("s", ".", "the shop's folder (with hugo.toml)")
	asJSON := fs.Bool("json", false, "print the findings as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := doctor.Load(*src)
	if err != nil {
		return err
	}
	r := doctor.NewReport(s, doctor.Check(s))
	if *asJSON {
		err = r.WriteJSON(stdout)
	} else {
		err = r.WriteText(stdout)
	}
	if err != nil {
		return err
	}
	if r.Errors > 0 {
		return errReported
	}
	return nil
}

func cmdPrices(args []string, stdout, stderr io.Writer) error {
	fs := flags("prices", `Usage: shop prices record [-s DIR] [-date YYYY-MM-DD]

Records every SKU whose price in the content differs from its latest price in
data/pricehistory.toml (and every new SKU), dated today. Run it when you change
a price, and commit the file with the change: a "was" price (front matter
was: 24.95) must be the lowest price of the 30 days before the reduction, and
shop doctor checks it against this history (docs/codes.md).`, stderr)
	src := fs.String("s", ".", "the shop's folder (with hugo.toml)")
	date := fs.String("date", "", "the day the new prices apply (default today)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "record" {
		return fmt.Errorf("shop prices: say record (shop prices record)")
	}
	today := time.Now()
	if *date != "" {
		if today, err = time.Parse("2006-01-02", *date); err != nil {
			return fmt.Errorf("shop prices record -date %q: write the day as 2026-12-01", *date)
		}
	}
	s, err := doctor.Load(*src)
	if err != nil {
		return err
	}
	if s.PriceHistoryErr != nil {
		return s.PriceHistoryErr
	}
	hist, added := doctor.RecordPrices(s, s.PriceHistory, today)
	if len(added) == 0 {
		fmt.Fprintln(stdout, "No price changed since the last record.")
		return nil
	}
	file := filepath.Join(*src, filepath.FromSlash(doctor.PriceHistoryFile))
	if err := os.WriteFile(file, doctor.FormatPriceHistory(hist), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", doctor.PriceHistoryFile, err)
	}
	for _, a := range added {
		fmt.Fprintf(stdout, "%s  %s  € %d,%02d\n", a.Date.Format("2006-01-02"), a.SKU, a.Price/100, a.Price%100)
	}
	fmt.Fprintf(stdout, "Recorded %d price(s) in %s; commit it with the change.\n", len(added), doctor.PriceHistoryFile)
	return nil
}

// parseInterleaved parses flags that may come before or after positional arguments.
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
