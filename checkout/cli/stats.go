package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"text/tabwriter"

	"github.com/storefront/storefront/checkout/wire"
)

const statsUsage = `Usage: shop stats [-from 2026-09-01] [-to 2026-11-30] [-json]

Shows, over a period (default: the last 90 days), how many orders of each
shipping method arrived by the promised day and how many extra days the
sidecar now adds to that method's promise, and the retention figures:
repeat-customer rate, time between orders, review rate and return rate.
It asks the running sidecar's admin API (GET /api/admin/stats).

Flags:
  -from DAY   first day of the period (YYYY-MM-DD, the shop's time zone)
  -to DAY     last day of the period, included (default today)
  -json       print the JSON answer
  -url URL    the sidecar's address (default $SHOP_ADMIN_URL)

Environment:
  SHOP_ADMIN_URL    the sidecar's address, e.g. http://127.0.0.1:8080
  SHOP_ADMIN_TOKEN  the admin token the sidecar was started with
`

// Stats is `shop stats`: promises against reality and retention figures.
func Stats(args []string) error {
	return stats(args, os.Stdout)
}

func stats(args []string, out io.Writer) error {
	fs, adminURL := newFlags("stats")
	from := fs.String("from", "", "first day")
	to := fs.String("to", "", "last day")
	asJSON := fs.Bool("json", false, "print the JSON answer")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(out, statsUsage)
			return nil
		}
		return fmt.Errorf("%w\n\n%s", err, statsUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected %q\n\n%s", fs.Arg(0), statsUsage)
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
	var a wire.StatsAnswer
	raw, err := c.do(http.MethodGet, "/api/admin/stats?"+q.Encode(), nil, &a)
	if err != nil {
		return err
	}
	if *asJSON {
		_, err := out.Write(append(raw, '\n'))
		return err
	}
	printStats(out, a)
	standingFigures(c, out) // subscriptions.go
	return nil
}

func pct(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }

func printStats(out io.Writer, a wire.StatsAnswer) {
	fmt.Fprintf(out, "Period %s to %s\n\n", a.From.Format("2006-01-02"), a.To.AddDate(0, 0, -1).Format("2006-01-02"))
	fmt.Fprintf(out, "Delivery promises (on-time target %s)\n", pct(a.Target))
	if len(a.Methods) == 0 {
		fmt.Fprintln(out, "  no deliveries in this period")
	} else {
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "METHOD\tDELIVERED\tON TIME\tRATE\tLATEST\tEXTRA DAYS NOW")
		for _, m := range a.Methods {
			late := "-"
			if m.MaxLate > 0 {
				late = fmt.Sprintf("%d d late", m.MaxLate)
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%d\n", m.Name, m.Delivered, m.OnTime, pct(m.Rate), late, m.ExtraDays)
		}
		tw.Flush()
	}
	r := a.Retention
	fmt.Fprintln(out, "\nRetention")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Paid orders\t%d\n", r.Orders)
	fmt.Fprintf(tw, "Customers\t%d\n", r.Customers)
	fmt.Fprintf(tw, "Repeat customers\t%d (%s)\n", r.RepeatCustomers, pct(r.RepeatRate))
	fmt.Fprintf(tw, "Median days between orders\t%.1f (%d repeat orders)\n", r.MedianDays, r.Intervals)
	fmt.Fprintf(tw, "Review rate\t%d of %d delivered (%s)\n", r.Reviewed, r.Delivered, pct(r.ReviewRate))
	fmt.Fprintf(tw, "Return rate\t%d of %d (%s)\n", r.Returned, r.Orders, pct(r.ReturnRate))
	tw.Flush()
	for _, n := range a.Notes {
		fmt.Fprintf(out, "\nNote: %s\n", n)
	}
}
