package cli

import (
	"bytes"
	"encoding/json"
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

	"github.com/storefront/storefront/checkout/server"
)

const ordersUsage = `Usage: shop orders <command> [flags]

Commands (they talk to the running sidecar's admin API):
  list [-state STATE]        orders, newest first (STATE: awaiting_payment, paid, packed, shipped, ...)
  show ID                    one order with its history
  pack ID                    mark as packed
  ship ID --tracking URL     mark as shipped; e-mails the customer the tracking link
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
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(out, ordersUsage+afterSaleUsage)
		if len(args) == 0 {
			return errors.New("shop orders: say which command (list, show, pack, ship, deliver, cancel)")
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	if handled, err := afterSaleOrders(cmd, rest, out); handled { // returns.go
		return err
	}
	fs := flag.NewFlagSet("orders "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	adminURL := fs.String("url", os.Getenv("SHOP_ADMIN_URL"), "the sidecar's address")
	state := fs.String("state", "", "only orders in this state (list)")
	tracking := fs.String("tracking", "", "tracking link (ship)")
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
		var list server.OrderList
		raw, err := c.do(http.MethodGet, "/api/admin/orders?"+q.Encode(), nil, &list)
		if err != nil {
			return err
		}
		if *asJSON {
			_, err = out.Write(raw)
			return err
		}
		printList(out, list.Orders)
		return nil
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
			if *tracking == "" {
				return errors.New("shop orders ship: give the tracking link with --tracking URL")
			}
			if u, err := url.Parse(*tracking); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return fmt.Errorf("shop orders ship: %q is not a tracking link (https://...)", *tracking)
			}
			body = map[string]string{"tracking_url": *tracking}
		}
		var o server.OrderView
		raw, err := c.do(method, path, body, &o)
		if err != nil {
			return err
		}
		if *asJSON {
			_, err = out.Write(raw)
			return err
		}
		printOrder(out, o)
		return nil
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

func printList(out io.Writer, orders []server.OrderView) {
	if len(orders) == 0 {
		fmt.Fprintln(out, "no orders")
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ORDER\tSTATE\tCREATED\tCUSTOMER\tTOTAL")
	for _, o := range orders {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.ID, o.State,
			o.CreatedAt.Local().Format("2006-01-02 15:04"), o.Customer.Name, o.TotalText)
	}
	tw.Flush()
}

func printOrder(out io.Writer, o server.OrderView) {
	fmt.Fprintf(out, "Order %s\nState:    %s\n", o.ID, o.State)
	if o.PaymentStatus != "" {
		fmt.Fprintf(out, "Payment:  %s\n", o.PaymentStatus)
	}
	fmt.Fprintf(out, "Created:  %s\nPage:     %s\n", o.CreatedAt.Local().Format(time.DateTime), o.URL)
	c := o.Customer
	fmt.Fprintf(out, "Customer: %s <%s>\n          %s, %s %s, %s\n", c.Name, c.Email, c.Street, c.PostalCode, c.City, c.Country)
	for _, l := range o.Lines {
		fmt.Fprintf(out, "  %2d × %s %s (%s)\n", l.Quantity, l.Title, l.Variant, l.SKU)
	}
	fmt.Fprintf(out, "Shipping: %s\nTotal:    %s\n", o.ShippingName, o.TotalText)
	if o.TrackingURL != "" {
		fmt.Fprintf(out, "Tracking: %s\n", o.TrackingURL)
	}
	if len(o.History) > 0 {
		fmt.Fprintln(out, "History:")
		for _, e := range o.History {
			fmt.Fprintf(out, "  %s  %-6s %s %s\n", e.At.Local().Format(time.DateTime), e.By, e.What, e.Detail)
		}
	}
}

// adminClient calls the sidecar's admin API.
type adminClient struct {
	base  *url.URL
	token string
	http  *http.Client
}

func newAdminClient(base string) (*adminClient, error) {
	if base == "" {
		return nil, errors.New("SHOP_ADMIN_URL is not set: give the sidecar's address, e.g. http://127.0.0.1:8080 (or -url)")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("SHOP_ADMIN_URL=%q is not an http(s) address like http://127.0.0.1:8080", base)
	}
	token := os.Getenv("SHOP_ADMIN_TOKEN")
	if token == "" {
		return nil, errors.New("SHOP_ADMIN_TOKEN is not set: use the token the sidecar was started with")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &adminClient{base: u, token: token, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (c *adminClient) request(method, path string, body any) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base.String()+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("X-Shop-Actor", "cli")
	if body != nil || method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// do sends the request and decodes a 2xx answer into v; any other answer
// becomes an error with the sidecar's message.
func (c *adminClient) do(method, path string, body, v any) ([]byte, error) {
	req, err := c.request(method, path, body)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reach the sidecar at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer of %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, answerError(resp.StatusCode, raw)
	}
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			return nil, fmt.Errorf("decode answer of %s %s: %w", method, path, err)
		}
	}
	return raw, nil
}

func answerError(status int, raw []byte) error {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Error != "" {
		return fmt.Errorf("sidecar says (%d): %s", status, e.Error)
	}
	return fmt.Errorf("sidecar answered %d %s", status, http.StatusText(status))
}
