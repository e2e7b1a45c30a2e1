package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
)

const invoicesUsage = `Usage: shop invoices export [-from 2026-01-01] [-to 2026-03-31] [-o file.csv]

Writes the bookkeeper's CSV of the invoices and credit notes dated in a
period (default: this year up to today): one line per document with its
number, date, kind, the invoice a credit note corrects, order, customer,
company, VAT number, country, reverse charge, the amount excluding VAT and
the VAT per rate, and the totals. It asks the running sidecar's admin API
(GET /api/admin/invoices). See docs/invoices.md.

Flags:
  -from DAY   first day (YYYY-MM-DD, the shop's time zone)
  -to DAY     last day, included (default today)
  -o FILE     write to FILE instead of standard output
  -url URL    the sidecar's address (default $SHOP_ADMIN_URL)

Environment:
  SHOP_ADMIN_URL    the sidecar's address, e.g. http://127.0.0.1:8080
  SHOP_ADMIN_TOKEN  the admin token the sidecar was started with
`

// Invoices is `shop invoices export`.
func Invoices(args []string) error {
	return invoices(args, os.Stdout)
}

func invoices(args []string, out io.Writer) error {
	if done, err := helpOr(args, out, invoicesUsage, "say what to do: shop invoices export"); done {
		return err
	}
	if args[0] != "export" {
		return fmt.Errorf("unknown subcommand %q\n\n%s", args[0], invoicesUsage)
	}
	fs, adminURL := newFlags("invoices export")
	from := fs.String("from", "", "first day")
	to := fs.String("to", "", "last day")
	file := fs.String("o", "", "output file")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(out, invoicesUsage)
			return nil
		}
		return fmt.Errorf("%w\n\n%s", err, invoicesUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected %q\n\n%s", fs.Arg(0), invoicesUsage)
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return err
	}
	q := url.Values{}
	if *from != "" {
		q.Set("from", *from)
	}
	if *to != "" {
		q.Set("to", *to)
	}
	req, err := c.request(http.MethodGet, "/api/admin/invoices?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("reach the sidecar at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return answerError(resp.StatusCode, raw)
	}
	w := out
	if *file != "" {
		tmp := *file + ".tmp"
		f, err := os.Create(tmp)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer os.Remove(tmp)
		if _, err := io.Copy(f, resp.Body); err != nil {
			f.Close()
			return fmt.Errorf("export to %s: %w", *file, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("export to %s: %w", *file, err)
		}
		return os.Rename(tmp, *file)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
