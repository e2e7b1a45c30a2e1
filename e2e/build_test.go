package e2e

import (
	"fmt"
	"os"

	"github.com/storefront/storefront/site"
)

// buildSite builds the demo shop in src into dst for baseURL with the
// embedded Hugo, as `shop build` does.
func buildSite(src, dst, baseURL string) error {
	res, err := site.Build(site.BuildOptions{Source: src, Dest: dst, BaseURL: baseURL})
	if err != nil {
		return fmt.Errorf("shop build: %w", err)
	}
	fmt.Fprintf(os.Stderr, "e2e: %s\n", res.Summary())
	return nil
}
