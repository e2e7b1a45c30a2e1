// Command loadgen puts sustained, mixed load on a running checkout sidecar
// (`shop checkout`) over loopback and reports requests per second, errors
// by status and latency percentiles per operation, and the sidecar's
// resident memory over time. It also writes large test catalogs.
//
//	loadgen -url http://127.0.0.1:8080 -catalog public/catalog.json -duration 60s -pid $(pgrep -n shop)
//	loadgen -gen-catalog 10000 -o /tmp/big/catalog.json
//
// Modes: mixed (availability, cart, checkout, payment, webhook, order
// status), cart (cart operations only) and checkout (add one item, check
// out). The built-in local payment provider is assumed: payments are made
// paid through its /pay/{id} page, and webhooks name those payments.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	var cfg Config
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "the sidecar's address")
	fs.StringVar(&cfg.Catalog, "catalog", "", "catalog.json the sidecar serves (to pick SKUs); empty: -skus")
	skus := fs.String("skus", "", "comma-separated SKUs to use when there is no -catalog")
	fs.DurationVar(&cfg.Duration, "duration", 60*time.Second, "how long to load")
	fs.IntVar(&cfg.Concurrency, "c", 32, "concurrent virtual customers")
	fs.StringVar(&cfg.Mode, "mode", "mixed", "mixed | cart | checkout")
	fs.IntVar(&cfg.PID, "pid", 0, "the sidecar's process id: sample its VmRSS from /proc")
	fs.DurationVar(&cfg.RSSEvery, "rss-every", 5*time.Second, "RSS sampling interval")
	fs.StringVar(&cfg.AdminToken, "admin-token", os.Getenv("SHOP_ADMIN_TOKEN"), "admin token: check a sample of orders afterwards")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	gen := fs.Int("gen-catalog", 0, "write a catalog with this many SKUs to -o and exit")
	out := fs.String("o", "catalog.json", "where -gen-catalog writes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *gen > 0 {
		if err := WriteCatalog(*out, *gen); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %d SKUs to %s\n", *gen, *out)
		return nil
	}
	if *skus != "" {
		cfg.SKUs = splitComma(*skus)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	rep.Print(os.Stdout)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			return err
		}
	}
	if rep.ServerErrors > 0 || len(rep.Inconsistent) > 0 {
		return fmt.Errorf("%d server errors, %d inconsistencies", rep.ServerErrors, len(rep.Inconsistent))
	}
	return nil
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
