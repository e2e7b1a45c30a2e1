package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/wire"
)

const ordersUsage = `Usage: shop orders <command> [flags]

Commands (they talk to the running sidecar's admin API):
  list [-state STATE]        orders, newest first (STATE: awaiting_payment, paid, packed, shipped, ...)
  show ID                    one order with its history
  pack ID                    mark as packed
  ship ID --tracking URL|CODE
                             mark as shipped; e-mails the customer the tracking link (a bare
                             code gets its link from the shipping method's tracking_url)
  deliver ID                 mark as delivered
  cancel ID                  cancel; a paid order is refunded in full

Environment:
  SHOP_ADMIN_URL    the sidecar's address, e.g. http://127.0.0.1:8080 (or -url)
  SHOP_ADMIN_TOKEN  the admin token the sidecar was started with
`

// Orders is `shop orders`: the shop owner's order desk.
func Orders(args []string) error {
	return orders(args, os.Stdout)
}

func orders(args []string, out io.Writer) error {
	if done, err := helpOr(args, out, ordersUsage+afterSaleUsage+labelsUsage, "shop orders: say which command (list, show, pack, ship, deliver, cancel)"); done {
		return err
	}
	cmd, rest := args[0], args[1:]
	if handled, err := afterSaleOrders(cmd, rest, out); handled { // returns.go
		return err
	}
	if handled, err := carrierOrders(cmd, rest, out); handled { // labels.go
		return err
	}
	fs, adminURL := newFlags("orders " + cmd)
	state := fs.String("state", "", "only orders in this state (list)")
	tracking := fs.String("tracking", "", "tracking link or code (ship)")
	asJSON := fs.Bool("json", false, "print the JSON answer")
	pos, err := parseInterleaved(fs, rest)
	if err != nil {
		return fmt.Errorf("shop orders %s: %w\n\n%s", cmd, err, ordersUsage)
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return err
	}

	needID := func() (string, error) {
		if len(pos) != 1 {
			return "", fmt.Errorf("shop orders %s: give exactly one order id (see shop orders list)", cmd)
		}
		return pos[0], nil
	}
	switch cmd {
	case "list":
		q := url.Values{}
		if *state != "" {
			q.Set("state", *state)
		}
		return show(c, out, *asJSON, http.MethodGet, "/api/admin/orders?"+q.Encode(), nil,
			func(out io.Writer, list wire.OrderList) { printList(out, list.Orders) })
	case "show", "pack", "deliver", "cancel", "ship":
		id, err := needID()
		if err != nil {
			return err
		}
		var body any
		method, path := http.MethodPost, "/api/admin/orders/"+url.PathEscape(id)+"/"+cmd
		switch cmd {
		case "show":
			method, path = http.MethodGet, "/api/admin/orders/"+url.PathEscape(id)
		case "ship":
			body, err = trackingBody(*tracking)
			if err != nil {
				return err
			}
		}
		return show(c, out, *asJSON, method, path, body, printOrder)
	}
	return fmt.Errorf("shop orders: unknown command %q\n\n%s", cmd, ordersUsage)
}

// parseInterleaved parses flags that may come before or after positional
// arguments (`ship ID --tracking URL`).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func printList(out io.Writer, orders []wire.OrderView) {
	if len(orders) == 0 {
		fmt.Fprintln(out, "no orders")
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ORDER\tSTATE\tCREATED\tCUSTOMER\tTOTAL")
	for _, o := range orders {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.ID, o.State,
			shopTime(o.CreatedAt, o.TimeZone, false), o.Customer.Name, o.TotalText)
	}
	tw.Flush()
}

// shopTime says t in the shop's time zone (zone, an IANA name the sidecar
// sends; this machine's zone when it sends none or this machine does not
// know it), always naming the zone: "2026-12-07 03:10 CET", with seconds
// when seconds is set. A zone without an abbreviation shows its offset
// ("+03").
func shopTime(t time.Time, zone string, seconds bool) string {
	layout := "2006-01-02 15:04 MST"
	if seconds {
		layout = "2006-01-02 15:04:05 MST"
	}
	return t.In(shopZone(zone)).Format(layout)
}

// shopDay is the date of t in the shop's time zone (see shopTime).
func shopDay(t time.Time, zone string) string { return t.In(shopZone(zone)).Format("2006-01-02") }

// shopZone is the zone named zone, or this machine's when it is empty or
// unknown here.
func shopZone(zone string) *time.Location {
	if zone != "" {
		if l, err := time.LoadLocation(zone); err == nil {
			return l
		}
	}
	return time.Local
}

func printOrder(out io.Writer, o wire.OrderView) {
	fmt.Fprintf(out, "Order %s\nState:    %s\n", o.ID, o.State)
	if o.PaymentStatus != "" {
		fmt.Fprintf(out, "Payment:  %s\n", o.PaymentStatus)
	}
	fmt.Fprintf(out, "Created:  %s\nPage:     %s\n", shopTime(o.CreatedAt, o.TimeZone, true), o.URL)
	c := o.Customer
	fmt.Fprintf(out, "Customer: %s <%s>\n          %s, %s %s, %s\n", c.Name, c.Email, c.Street, c.PostalCode, c.City, c.Country)
	for _, l := range o.Lines {
		fmt.Fprintf(out, "  %2d × %s %s (%s)\n", l.Quantity, l.Title, l.Variant, l.SKU)
	}
	fmt.Fprintf(out, "Shipping: %s\nTotal:    %s\n", o.ShippingName, o.TotalText)
	if o.TrackingURL != "" {
		fmt.Fprintf(out, "Tracking: %s\n", o.TrackingURL)
	}
	if len(o.MailProblems) > 0 {
		fmt.Fprintln(out, "E-MAIL NOT SENT (fix the cause, then retry on /admin/mail/ or contact the customer):")
		for _, m := range o.MailProblems {
			status := "retrying, next " + shopTime(m.NextAt, o.TimeZone, true)
			if m.Dead {
				status = "GIVEN UP: the customer has not got it"
			}
			fmt.Fprintf(out, "  %s  %s  after %d attempt(s): %s\n    last error: %s\n", m.ID, m.Kind, m.Attempts, status, m.LastError)
		}
	}
	if len(o.History) > 0 {
		fmt.Fprintln(out, "History:")
		for _, e := range o.History {
			fmt.Fprintf(out, "  %s  %-6s %s %s\n", shopTime(e.At, o.TimeZone, true), e.By, e.What, e.Detail)
		}
	}
}

// trackingBody is the ship request for --tracking: a link as it is, a bare
// code for the sidecar to put in the method's tracking_url template.
func trackingBody(tracking string) (map[string]string, error) {
	tracking = strings.TrimSpace(tracking)
	switch {
	case tracking == "":
		return nil, errors.New("shop orders ship: give the tracking link or code with --tracking (e.g. --tracking 3SABC123)")
	case strings.Contains(tracking, "://"):
		if u, err := url.Parse(tracking); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("shop orders ship: %q is not a tracking link (https://...)", tracking)
		}
		return map[string]string{"tracking_url": tracking}, nil
	case carrier.ValidTrackingCode(tracking):
		return map[string]string{"tracking_code": tracking}, nil
	}
	return nil, fmt.Errorf("shop orders ship: %q is neither a tracking link (https://...) nor a tracking code (letters and digits, e.g. 3SABC123)", tracking)
}
