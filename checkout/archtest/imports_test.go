package archtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/storefront/storefront/checkout/"

// domain are the packages of pure logic (and the ports catalog and
// payment): they may import nothing that does network, database, file
// watching or HTML rendering. invoice joins when it is there.
var domain = []string{"money", "cart", "order", "delivery", "returns", "loyalty", "promise", "review",
	"subscribe", "stats", "poll", "search", "invoice", "catalog", "payment"}

// ioPkgs is what a domain package must not depend on, directly or not.
var ioPkgs = []string{"net/http", "go.etcd.io/bbolt", "github.com/fsnotify/fsnotify", "github.com/gin-gonic/gin", "html/template"}

// deps lists every package pkg depends on (go list -deps).
func deps(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", module+pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	m := map[string]bool{}
	for _, l := range strings.Fields(string(out)) {
		m[l] = true
	}
	return m
}

// forbidden says which of bad pkg depends on.
func forbidden(t *testing.T, pkg string, bad []string) []string {
	t.Helper()
	d := deps(t, pkg)
	var hits []string
	for _, b := range bad {
		if d[b] {
			hits = append(hits, b)
		}
	}
	return hits
}

func exists(pkg string) bool {
	_, err := os.Stat(filepath.Join("..", pkg))
	return err == nil
}

// TestDomainDoesNoIO: the domain packages import no I/O (issue 11, item 5):
// order imports the payment port, not the local provider (payment/local);
// cart, delivery, returns and subscribe import the catalog's types, not its
// loader (catalog/source).
func TestDomainDoesNoIO(t *testing.T) {
	seen := 0
	for _, p := range domain {
		if !exists(p) {
			continue
		}
		seen++
		if hits := forbidden(t, p, ioPkgs); len(hits) > 0 {
			t.Errorf("checkout/%s depends on %v; keep I/O in an adapter package (e.g. payment/local, catalog/source, store)", p, hits)
		}
	}
	if seen < 10 {
		t.Fatalf("only %d domain packages found; run from checkout/archtest", seen)
	}
}

// TestCheckCatchesIO: the check sees I/O where there is some.
func TestCheckCatchesIO(t *testing.T) {
	if hits := forbidden(t, "payment/local", ioPkgs); len(hits) == 0 {
		t.Error("payment/local (bbolt, net/http) passes the check: the check sees nothing")
	}
}

// TestCLIIsAClient: the CLI's client commands (`shop orders`, `shop
// reviews`, `shop stats`, `shop notify`) speak the admin API through the
// wire types; they link neither Gin nor bbolt, nor the server or the store
// (issue 11, item 6). Running the sidecar and reading its files is
// checkout/cli/host.
func TestCLIIsAClient(t *testing.T) {
	bad := []string{"github.com/gin-gonic/gin", "go.etcd.io/bbolt", module + "server", module + "store"}
	if hits := forbidden(t, "cli", bad); len(hits) > 0 {
		t.Errorf("checkout/cli depends on %v; share types through checkout/wire", hits)
	}
	if hits := forbidden(t, "cli/host", bad); len(hits) == 0 {
		t.Error("cli/host (runs the sidecar) passes the check: the check sees nothing")
	}
}

// TestWebIsShared: checkout/server/web, the answer helpers every resource's
// handlers share, imports neither the sidecar's wiring (server) nor any
// resource package under it, so that each resource package can import it
// without a cycle.
// The same holds for checkout/server/view, the data they share, which may
// import web only.
func TestWebIsShared(t *testing.T) {
	for _, pkg := range []string{"server/web", "server/view"} {
		for d := range deps(t, pkg) {
			if rest, under := strings.CutPrefix(d, module+"server"); under && rest != "/web" && d != module+pkg {
				t.Errorf("checkout/%s depends on %s", pkg, d)
			}
		}
	}
}
