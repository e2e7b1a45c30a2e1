package e2e

import (
	"fmt"
	"os"
	"os/exec"
)

// buildSite builds the demo shop in src into dst for baseURL.
// TODO: call the site package directly once it lands (one Hugo link).
func buildSite(src, dst, baseURL string) error {
	bin := os.Getenv("SHOP_BIN")
	args := []string{"build", "-s", src, "-d", dst, "--baseURL", baseURL}
	if bin == "" {
		bin = "go"
		args = append([]string{"run", "./cmd/shop"}, args...)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = src
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %v: %w\n%s", bin, args, err, out)
	}
	return nil
}
