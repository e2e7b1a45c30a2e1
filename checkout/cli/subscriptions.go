package cli

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"text/tabwriter"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/wire"
)

const subscriptionsUsage = `Usage: shop subscriptions <command> [flags]

Standing orders: customers who get a product every few weeks (docs/subscriptions.md).
Not the newsletter subscribers of shop notify.

Commands (they talk to the running sidecar's admin API):
  list [-state STATE]   standing orders (STATE: active, paused, canceled), the coming
                        week's deliveries, monthly recurring revenue and churn
  show ID               one standing order (SO-000001)
  pause ID              pause it: nothing is charged or sent until it is resumed
  resume ID             resume it; the customer gets a notice before the next charge
  cancel ID             stop it for good (what was charged is still delivered)

Flags: -json (print the JSON answer), -url URL (default $SHOP_ADMIN_URL)
Environment: SHOP_ADMIN_URL, SHOP_ADMIN_TOKEN
`

// Subscriptions is `shop subscriptions`: the owner's view of standing orders.
func Subscriptions(args []string) error { return subscriptions(args, os.Stdout) }

func subscriptions(args []string, out io.Writer) error {
	if done, err := helpOr(args, out, subscriptionsUsage, "shop subscriptions: say which command (list, show, pause, resume, cancel)"); done {
		return err
	}
	cmd, rest := args[0], args[1:]
	fs, adminURL := newFlags("subscriptions " + cmd)
	state := fs.String("state", "", "only standing orders in this state (list)")
	asJSON := fs.Bool("json", false, "print the JSON answer")
	pos, err := parseInterleaved(fs, rest)
	if err != nil {
		return fmt.Errorf("shop subscriptions %s: %w\n\n%s", cmd, err, subscriptionsUsage)
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return err
	}
	switch cmd {
	case "list":
		q := url.Values{}
		if *state != "" {
			q.Set("state", *state)
		}
		return show(c, out, *asJSON, http.MethodGet, "/api/admin/standing?"+q.Encode(), nil, printStandingList)
	case "show", "pause", "resume", "cancel":
		if len(pos) != 1 {
			return fmt.Errorf("shop subscriptions %s: give exactly one id (see shop subscriptions list)", cmd)
		}
		method, path := http.MethodPost, "/api/admin/standing/"+url.PathEscape(pos[0])+"/"+cmd
		if cmd == "show" {
			method, path = http.MethodGet, "/api/admin/standing/"+url.PathEscape(pos[0])
		}
		return show(c, out, *asJSON, method, path, nil, printStanding)
	}
	return fmt.Errorf("shop subscriptions: unknown command %q\n\n%s", cmd, subscriptionsUsage)
}

func printStandingList(out io.Writer, l wire.StandingList) {
	if len(l.Standing) == 0 {
		fmt.Fprintln(out, "no standing orders")
	} else {
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tCUSTOMER\tPRODUCT\tEVERY\tNEXT CHARGE\tAMOUNT")
		for _, v := range l.Standing {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s ×%d\t%d weeks\t%s\t%s\n", v.ID, v.State, v.Email, v.Title, v.Variant, v.Quantity, v.Weeks,
				v.NextCharge, money.Format(v.NextAmount, v.Currency))
		}
		tw.Flush()
	}
	fmt.Fprintln(out)
	printStandingFigures(out, l.Figures)
}

func printStandingFigures(out io.Writer, f wire.StandingFigures) {
	fmt.Fprintf(out, "Standing orders: %d active, %d paused, %d stopped\n", f.ByState["active"], f.ByState["paused"], f.ByState["canceled"])
	fmt.Fprintf(out, "Monthly recurring revenue: %s %s\n", money.Format(f.MRR, f.Currency), f.Currency)
	fmt.Fprintf(out, "Churn (stopped in the last 30 days): %s\n", pct(f.Churn))
	if len(f.Upcoming) == 0 {
		fmt.Fprintln(out, "Coming 7 days: no deliveries")
		return
	}
	fmt.Fprintln(out, "Coming 7 days:")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SKU\tPRODUCT\tDELIVERIES\tUNITS\tKILOS")
	for _, u := range f.Upcoming {
		kilos := "-"
		if u.Grams > 0 {
			kilos = fmt.Sprintf("%.2f", float64(u.Grams)/1000)
		}
		fmt.Fprintf(tw, "  %s\t%s %s\t%d\t%d\t%s\n", u.SKU, u.Title, u.Variant, u.Delivers, u.Units, kilos)
	}
	tw.Flush()
}

func printStanding(out io.Writer, v wire.StandingView) {
	fmt.Fprintf(out, "Standing order %s\nState:     %s", v.ID, v.State)
	if v.PauseReason != "" {
		fmt.Fprintf(out, " (%s)", v.PauseReason)
	}
	a := v.Address
	fmt.Fprintf(out, "\nCustomer:  %s <%s>\n           %s, %s %s, %s\n", a.Name, v.Email, a.Street, a.PostalCode, a.City, a.Country)
	fmt.Fprintf(out, "Product:   %s %s ×%d, every %d weeks\n", v.Title, v.Variant, v.Quantity, v.Weeks)
	if v.NextCharge != "" {
		fmt.Fprintf(out, "Next:      %s, %s %s\n", v.NextCharge, money.Format(v.NextAmount, v.Currency), v.Currency)
	}
	for p := 1; p <= len(v.Orders)+len(v.Skipped)+1; p++ {
		if id, ok := v.Orders[p]; ok {
			fmt.Fprintf(out, "  delivery %d: order %s\n", p, id)
		}
	}
	if len(v.Skipped) > 0 {
		fmt.Fprintf(out, "Skipped:   %v\n", v.Skipped)
	}
}

// standingFigures prints the standing orders' figures under shop stats
// (nothing when the sidecar has none or is older).
func standingFigures(c *adminClient, out io.Writer) {
	var l wire.StandingList
	if _, err := c.do(http.MethodGet, "/api/admin/standing", nil, &l); err != nil || len(l.Figures.ByState) == 0 {
		return
	}
	fmt.Fprintln(out)
	printStandingFigures(out, l.Figures)
}
