package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/storefront/storefront/checkout/wire"
)

const notifyUsage = `Usage: shop notify [--dry-run] [-url URL]

Tells subscribers about new arrivals: the running sidecar compares the catalog it
serves (the last build) with the last one announced and e-mails every confirmed
subscriber one digest of the new products in the categories and makers they follow.
Run it after a deploy that adds products. Running it again sends nothing twice.
The first run only records the catalog as the starting point.

Flags:
  --dry-run   say who would get a digest, send nothing
  -url URL    the sidecar's address (SHOP_ADMIN_URL)
  -json       print the sidecar's JSON answer

Environment:
  SHOP_ADMIN_URL    the sidecar's address, e.g. http://127.0.0.1:8080
  SHOP_ADMIN_TOKEN  the admin token the sidecar was started with
`

// Notify is `shop notify`: digests of new arrivals for subscribers.
func Notify(args []string) error {
	return notify(args, os.Stdout)
}

func notify(args []string, out io.Writer) error {
	fs, adminURL := newFlags("notify")
	dry := fs.Bool("dry-run", false, "send nothing")
	asJSON := fs.Bool("json", false, "print the JSON answer")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(out, notifyUsage)
			return nil
		}
		return fmt.Errorf("shop notify: %w\n\n%s", err, notifyUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("shop notify: unexpected %q\n\n%s", fs.Arg(0), notifyUsage)
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return err
	}
	path := "/api/admin/notify"
	if *dry {
		path += "?dry_run=1"
	}
	return show(c, out, *asJSON, http.MethodPost, path, nil, printNotify)
}

func printNotify(out io.Writer, res wire.NotifyResult) {
	switch {
	case res.Baseline:
		fmt.Fprintln(out, "first run: the current catalog is the starting point; nothing sent.")
		fmt.Fprintln(out, "Products added from now on are announced by the next `shop notify`.")
		return
	case res.Unchanged:
		fmt.Fprintln(out, "nothing new since the last announcement; nothing sent.")
		return
	}
	if len(res.Arrivals) == 0 {
		fmt.Fprintln(out, "no new products; nothing sent.")
	} else {
		fmt.Fprintf(out, "new products: %s\n", strings.Join(res.Arrivals, ", "))
	}
	verb := "queued"
	if res.DryRun {
		verb = "would send"
	}
	fmt.Fprintf(out, "digests %s: %d", verb, len(res.Recipients))
	if res.Already > 0 {
		fmt.Fprintf(out, " (%d sent for this catalog before)", res.Already)
	}
	fmt.Fprintln(out)
}
