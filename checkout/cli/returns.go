package cli

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/storefront/storefront/checkout/money"
	"github.com/storefront/storefront/checkout/wire"
)

// afterSaleUsage is the part of `shop orders` help about returns and refunds.
const afterSaleUsage = `
After the sale:
  returns ID                 the order's returns and refunds, and what may still be refunded
  return-received ID [--code CODE] [--refund]
                             the return's parcel is in; e-mails the customer (--refund: refund it by the policy)
  refund ID --return CODE    refund a return by the policy (items, shipping when the policy says so)
  refund ID --sku SKU=N[,SKU=N] [--shipping]
                             refund units by item (e.g. arrived broken), with the shipping cost if asked
  refund ID --amount 5.00 [--note TEXT]
                             refund an amount (a goodwill gesture)
  refund ID --full           refund everything still refundable
  packing-slip ID [-o FILE]  the printable packing slip (HTML)
  pick-list                  every paid order not yet packed, with units per product
`

// afterSaleOrders runs the after-sale commands of `shop orders`; handled is
// false for the other commands.
func afterSaleOrders(cmd string, args []string, out io.Writer) (handled bool, err error) {
	switch cmd {
	case "returns", "return-received", "refund", "packing-slip", "pick-list":
	default:
		return false, nil
	}
	fs, adminURL := newFlags("orders " + cmd)
	code := fs.String("code", "", "return code (return-received)")
	ret := fs.String("return", "", "return code (refund)")
	skus := fs.String("sku", "", "SKU=N,... (refund by item)")
	shipping := fs.Bool("shipping", false, "include the shipping cost (refund by item)")
	amount := fs.String("amount", "", "amount, e.g. 5.00 (refund)")
	note := fs.String("note", "", "why (refund --amount)")
	full := fs.Bool("full", false, "refund everything still refundable")
	refund := fs.Bool("refund", false, "refund at once (return-received)")
	outFile := fs.String("o", "", "write to this file (packing-slip)")
	asJSON := fs.Bool("json", false, "print the JSON answer")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return true, fmt.Errorf("shop orders %s: %w\n%s", cmd, err, afterSaleUsage)
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return true, err
	}
	if cmd == "pick-list" {
		return true, show(c, out, *asJSON, http.MethodGet, "/api/admin/pick-list", nil, printPickList)
	}
	if len(pos) != 1 {
		return true, fmt.Errorf("shop orders %s: give exactly one order id (see shop orders list)", cmd)
	}
	id := url.PathEscape(pos[0])
	var body any
	method, path := http.MethodPost, "/api/admin/orders/"+id+"/"+cmd
	switch cmd {
	case "returns":
		method, path = http.MethodGet, "/api/admin/orders/"+id+"/returns"
	case "packing-slip":
		raw, err := c.do(http.MethodGet, "/api/admin/orders/"+id+"/packing-slip", nil, nil) // HTML
		if err != nil {
			return true, err
		}
		if *outFile != "" {
			if err := os.WriteFile(*outFile, raw, 0o644); err != nil {
				return true, fmt.Errorf("write packing slip: %w", err)
			}
			fmt.Fprintf(out, "packing slip of %s written to %s; open it in a browser and print\n", pos[0], *outFile)
			return true, nil
		}
		_, err = out.Write(raw)
		return true, err
	case "return-received":
		body = wire.ReceivedRequest{Code: *code, Refund: *refund}
	case "refund":
		req := wire.RefundRequest{ReturnCode: *ret, Shipping: *shipping, Full: *full, Note: *note}
		given := 0
		for _, set := range []bool{*ret != "", *skus != "", *amount != "", *full} {
			if set {
				given++
			}
		}
		if given != 1 {
			return true, errors.New("shop orders refund: say what to refund with exactly one of --return CODE, --sku SKU=N, --amount 5.00 or --full")
		}
		if *skus != "" {
			lines, err := parseSKUs(*skus)
			if err != nil {
				return true, err
			}
			req.Lines = lines
		}
		if *amount != "" {
			a, err := money.Parse(strings.ReplaceAll(*amount, ",", "."), "EUR")
			if err != nil || a <= 0 {
				return true, fmt.Errorf("shop orders refund: --amount %q is not an amount like 5.00", *amount)
			}
			req.Amount = int64(a)
		}
		body = req
	}
	return true, show(c, out, *asJSON, method, path, body, printAfterSale)
}

// parseSKUs reads "A=1,B=2".
func parseSKUs(s string) ([]wire.WantLine, error) {
	var out []wire.WantLine
	for _, part := range strings.Split(s, ",") {
		sku, n, found := strings.Cut(strings.TrimSpace(part), "=")
		q, err := strconv.Atoi(n)
		if !found || sku == "" || err != nil || q < 1 {
			return nil, fmt.Errorf("shop orders refund: --sku %q: write SKU=N, e.g. MOK-001=1,BOEK-001=2", part)
		}
		out = append(out, wire.WantLine{SKU: sku, Quantity: q})
	}
	return out, nil
}

func printAfterSale(out io.Writer, v wire.AfterSaleView) {
	cur := v.Currency
	d := func(a int64) string { return money.Display(money.Amount(a), cur, "en") }
	fmt.Fprintf(out, "Order %s (%s)\nPaid %s · refunded %s · refundable %s\n", v.Order, v.State, d(v.Paid), d(v.Refunded), d(v.Refundable))
	switch {
	case v.ReturnOpen:
		fmt.Fprintf(out, "Returns open until %s\n", v.ReturnUntil)
	case v.ReturnClosed != "":
		fmt.Fprintf(out, "Returns: %s\n", v.ReturnClosed)
	}
	if len(v.Returns) > 0 {
		fmt.Fprintln(out, "Returns:")
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, r := range v.Returns {
			var items []string
			for _, l := range r.Lines {
				items = append(items, fmt.Sprintf("%d × %s %s", l.Quantity, l.Title, l.Variant))
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.Code, r.State, r.AmountText, strings.Join(items, "; "), r.Reason)
		}
		tw.Flush()
	}
	if len(v.Refunds) > 0 {
		fmt.Fprintln(out, "Refunds:")
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, r := range v.Refunds {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s %s\t%s\n", r.ID, r.AmountText, r.Status, r.Reason, r.ReturnCode, r.LastError)
		}
		tw.Flush()
	}
}

func printPickList(out io.Writer, pl wire.PickList) {
	if len(pl.Orders) == 0 {
		fmt.Fprintln(out, "no paid orders waiting to be packed")
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "UNITS\tSKU\tPRODUCT\tORDERS")
	for _, l := range pl.Lines {
		fmt.Fprintf(tw, "%d\t%s\t%s %s\t%s\n", l.Quantity, l.SKU, l.Title, l.Variant, strings.Join(l.Orders, ", "))
	}
	tw.Flush()
	fmt.Fprintf(out, "\n%d orders to pack, oldest first:\n", len(pl.Orders))
	for _, o := range pl.Orders {
		gift := ""
		if o.GiftNote {
			gift = " · gift note"
		}
		fmt.Fprintf(out, "  %s  %s  %s%s\n", o.ID, o.Customer, strings.Join(o.Lines, "; "), gift)
	}
}
