package archtest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// shared are the packages under checkout/server every resource package may
// import (issue 11): the answer helpers and the shared data.
var shared = []string{"server/web", "server/view"}

// oneWay are the pairs of resource packages of one group where the first
// may import the second (issue 11 allows one way within a group); none yet.
var oneWay = map[[2]string]bool{}

// resourcePackages are the packages under checkout/server with Go code,
// apart from the shared ones.
func resourcePackages(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("..", "server"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		pkg := "server/" + e.Name()
		if !e.IsDir() || slices.Contains(shared, pkg) {
			continue
		}
		if code, _ := filepath.Glob(filepath.Join("..", pkg, "*.go")); len(code) > 0 {
			out = append(out, pkg)
		}
	}
	return out
}

// TestResourcePackagesAreApart: a resource package under checkout/server
// (owner, shipping, invoices, ...) imports neither the sidecar's wiring
// (checkout/server) nor another resource package; what it needs of
// another is a small interface or func field that checkout/server fills.
func TestResourcePackagesAreApart(t *testing.T) {
	pkgs := resourcePackages(t)
	if len(pkgs) == 0 {
		t.Fatal("no resource packages under checkout/server: the check sees nothing")
	}
	for _, pkg := range pkgs {
		for d := range deps(t, pkg) {
			rest, under := strings.CutPrefix(d, module+"server")
			if !under || d == module+pkg || slices.Contains(shared, "server"+rest) || oneWay[[2]string{pkg, "server" + rest}] {
				continue
			}
			t.Errorf("checkout/%s depends on checkout/server%s; declare what it needs as an interface or func field and let checkout/server wire it", pkg, rest)
		}
	}
}

// TestResourceCheckSeesImports: the check above sees an import between
// packages under checkout/server (the wiring imports the owner's package).
func TestResourceCheckSeesImports(t *testing.T) {
	if !deps(t, "server")[module+"server/owner"] {
		t.Error("checkout/server does not depend on checkout/server/owner: the check sees nothing")
	}
}
