package cli

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/storefront/storefront/checkout/carrier"
	"github.com/storefront/storefront/checkout/wire"
)

const labelsUsage = `
Labels (a carrier account, e.g. Sendcloud; docs/carriers.md):
  label ID [--size A6|A4] [-o FILE]
                             create the parcel and its label (the order is shipped, the customer
                             gets the tracking mail) and save the label PDF (default label-ID-A6.pdf)
  labels [ID...] [-o FILE] [--size A6|A4]
                             create the labels of these orders, or of every paid and packed order;
                             -o saves today's labels as one PDF (the first 20; see /admin/labels)
  check-parcels              ask the carrier now about shipped parcels (delivered → recorded)
`

// carrierOrders runs the label commands; handled is false for other commands.
func carrierOrders(cmd string, args []string, out io.Writer) (handled bool, err error) {
	switch cmd {
	case "label", "labels", "check-parcels":
	default:
		return false, nil
	}
	fs, adminURL := newFlags("orders " + cmd)
	size := fs.String("size", "A6", "label paper: A6 (label printer) or A4")
	outFile := fs.String("o", "", "write the label PDF to this file")
	asJSON := fs.Bool("json", false, "print the JSON answer")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return true, fmt.Errorf("shop orders %s: %w\n%s", cmd, err, labelsUsage)
	}
	paper, good := carrier.ParsePaper(*size)
	if !good {
		return true, fmt.Errorf("shop orders %s: --size must be A6 or A4, not %q", cmd, *size)
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return true, err
	}
	switch cmd {
	case "check-parcels":
		var res struct {
			Delivered int    `json:"delivered"`
			Errors    string `json:"errors"`
		}
		if _, err := c.do(http.MethodPost, "/api/admin/parcels/check", nil, &res); err != nil {
			return true, err
		}
		fmt.Fprintf(out, "%d order(s) delivered\n", res.Delivered)
		if res.Errors != "" {
			return true, errors.New(res.Errors)
		}
		return true, nil
	case "labels":
		var res struct {
			Labels []wire.LabelResult `json:"labels"`
		}
		raw, err := c.do(http.MethodPost, "/api/admin/labels", map[string]any{"orders": pos}, &res)
		if err != nil {
			return true, err
		}
		if *asJSON {
			_, err = out.Write(raw)
			return true, err
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ORDER\tSTATE\tTRACKING\tLABEL")
		failed := 0
		for _, l := range res.Labels {
			lab := strings.TrimPrefix(l.LabelA6, "/admin/")
			if l.Error != "" {
				lab, failed = "ERROR: "+l.Error, failed+1
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Order, l.State, l.TrackingCode, lab)
		}
		tw.Flush()
		if *outFile != "" {
			pdf, err := c.do(http.MethodGet, "/api/admin/labels.pdf?size="+string(paper), nil, nil)
			if err != nil {
				return true, err
			}
			if err := os.WriteFile(*outFile, pdf, 0o644); err != nil {
				return true, fmt.Errorf("save today's labels: %w", err)
			}
			fmt.Fprintf(out, "Today's labels (%s): %s\n", paper, *outFile)
		} else if len(res.Labels) > 0 {
			fmt.Fprintln(out, "Save them: shop orders labels -o labels.pdf [--size A4], or one: shop orders label ID")
		}
		if failed > 0 {
			return true, fmt.Errorf("%d label(s) failed", failed)
		}
		return true, nil
	}
	if len(pos) != 1 {
		return true, fmt.Errorf("shop orders %s: give exactly one order id", cmd)
	}
	id := pos[0]
	var res wire.LabelResult
	if _, err := c.do(http.MethodPost, "/api/admin/orders/"+url.PathEscape(id)+"/label", nil, &res); err != nil {
		return true, err
	}
	pdf, err := c.do(http.MethodGet, "/api/admin/orders/"+url.PathEscape(id)+"/label?size="+string(paper), nil, nil)
	if err != nil {
		return true, err
	}
	name := *outFile
	if name == "" {
		name = "label-" + id + "-" + string(paper) + ".pdf"
	}
	if err := os.WriteFile(name, pdf, 0o644); err != nil {
		return true, fmt.Errorf("save the label: %w", err)
	}
	fmt.Fprintf(out, "Order %s is %s; tracking %s (%s)\nLabel (%s): %s\n", id, res.State, res.TrackingCode, res.TrackingURL, paper, name)
	return true, nil
}
