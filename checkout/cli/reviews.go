package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/wire"
)

const reviewsUsage = `Usage: shop reviews <command> [flags]

Commands (they talk to the running sidecar's admin API):
  list [-state STATE]     reviews, oldest first (STATE: pending (default), approved, rejected, all)
  approve ID...           publish with the next export (ID as list shows it: ORDER/product)
  reject ID...            do not publish (or withdraw an approved one at the next export)
  export [-s DIR]         write the approved reviews into DIR/data/reviews/<product>.toml,
                          where the next build publishes them; entries you wrote by hand
                          (without an id) are kept
  request                 ask delivered orders whose day has come now (the sidecar does it
                          by itself every 15 minutes)

Environment:
  SHOP_ADMIN_URL    the sidecar's address, e.g. http://127.0.0.1:8080 (or -url)
  SHOP_ADMIN_TOKEN  the admin token the sidecar was started with
`

// Reviews is `shop reviews`: moderation and export of customers' reviews.
func Reviews(args []string) error {
	return reviews(args, os.Stdout)
}

func reviews(args []string, out io.Writer) error {
	if done, err := helpOr(args, out, reviewsUsage, "shop reviews: say which command (list, approve, reject, export, request)"); done {
		return err
	}
	cmd, rest := args[0], args[1:]
	fs, adminURL := newFlags("reviews " + cmd)
	state := fs.String("state", "pending", "reviews in this state (list)")
	dir := fs.String("s", ".", "the shop's directory (export)")
	asJSON := fs.Bool("json", false, "print the JSON answer")
	pos, err := parseInterleaved(fs, rest)
	if err != nil {
		return fmt.Errorf("shop reviews %s: %w\n\n%s", cmd, err, reviewsUsage)
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return err
	}
	switch cmd {
	case "list":
		q := url.Values{}
		if *state != "all" {
			q.Set("state", *state)
		}
		return show(c, out, *asJSON, http.MethodGet, "/api/admin/reviews?"+q.Encode(), nil,
			func(out io.Writer, list wire.ReviewList) { printReviews(out, list.Reviews) })
	case "approve", "reject":
		if len(pos) == 0 {
			return fmt.Errorf("shop reviews %s: give one or more review ids (see shop reviews list)", cmd)
		}
		for _, id := range pos {
			orderID, product, found := strings.Cut(id, "/")
			if !found || orderID == "" || !review.ValidSlug(product) {
				return fmt.Errorf("shop reviews %s: %q is not a review id like SF-2026-000123/product-slug", cmd, id)
			}
			var r review.Review
			path := "/api/admin/reviews/" + url.PathEscape(orderID) + "/" + url.PathEscape(product) + "/" + cmd
			if _, err := c.do(http.MethodPost, path, nil, &r); err != nil {
				return fmt.Errorf("%s: %w", id, err)
			}
			fmt.Fprintf(out, "%s: %s\n", id, r.State)
		}
		return nil
	case "export":
		var list wire.ReviewList
		if _, err := c.do(http.MethodGet, "/api/admin/reviews", nil, &list); err != nil {
			return err
		}
		return exportReviews(out, filepath.Join(*dir, "data", "reviews"), list.Reviews)
	case "request":
		var a struct {
			Queued int `json:"queued"`
		}
		if _, err := c.do(http.MethodPost, "/api/admin/reviews/request", nil, &a); err != nil {
			return err
		}
		fmt.Fprintf(out, "%d review request(s) queued\n", a.Queued)
		return nil
	}
	return fmt.Errorf("shop reviews: unknown command %q\n\n%s", cmd, reviewsUsage)
}

func printReviews(out io.Writer, rs []review.Review) {
	if len(rs) == 0 {
		fmt.Fprintln(out, "no reviews")
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tSTARS\tAUTHOR\tTEXT")
	for _, r := range rs {
		text := strings.Join(strings.Fields(r.Text), " ")
		if len([]rune(text)) > 60 {
			text = string([]rune(text)[:59]) + "…"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.State, strings.Repeat("★", r.Rating), r.Author, text)
	}
	tw.Flush()
}

// exportReviews rewrites dir/<product>.toml for every product with a review
// from the shop (any state) or a file holding entries from an earlier
// export, so withdrawn reviews disappear too. Files that would not change
// are left alone.
func exportReviews(out io.Writer, dir string, all []review.Review) error {
	approved := map[string][]review.Review{}
	products := map[string]bool{}
	for _, r := range all {
		if !review.ValidSlug(r.Product) {
			continue
		}
		products[r.Product] = true
		if r.State == review.Approved {
			approved[r.Product] = append(approved[r.Product], r)
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		return err
	}
	for _, f := range files {
		if slug := strings.TrimSuffix(filepath.Base(f), ".toml"); review.ValidSlug(slug) {
			products[slug] = true
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export reviews: %w", err)
	}
	wrote := 0
	for _, slug := range slices.Sorted(maps.Keys(products)) {
		file := filepath.Join(dir, slug+".toml")
		var old review.File
		b, err := os.ReadFile(file)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if len(approved[slug]) == 0 {
				continue
			}
		case err != nil:
			return fmt.Errorf("export reviews: %w", err)
		default:
			if old, err = review.ParseFile(b); err != nil {
				return fmt.Errorf("export reviews: %s: %w (fix or move the file, then export again)", file, err)
			}
		}
		merged, changed := review.Merge(old, approved[slug])
		if !changed && b != nil {
			continue
		}
		if err := writeFileAtomic(file, review.Render(slug, merged)); err != nil {
			return fmt.Errorf("export reviews: %w", err)
		}
		wrote++
		fmt.Fprintf(out, "wrote %s (%d from the shop, %d by hand)\n", file, len(approved[slug]), len(merged.Reviews)-len(approved[slug]))
	}
	if wrote == 0 {
		fmt.Fprintln(out, "reviews are up to date; nothing written")
	} else {
		fmt.Fprintln(out, "commit data/reviews/ and push: the next build shows them")
	}
	return nil
}

func writeFileAtomic(name string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".reviews-*.toml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
