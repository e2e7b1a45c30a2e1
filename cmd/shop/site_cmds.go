//go:build !sidecar

package main

// The commands for the shop's content: they embed Hugo. A binary built with
// -tags sidecar (the server's: deploy/) leaves them out, see nosite.go.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/storefront/storefront/checkout/server"
	"github.com/storefront/storefront/doctor"
	"github.com/storefront/storefront/site"
)

func hugoVersion() string { return site.HugoVersion() }

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
