package archtest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// oneWay are the resource packages under checkout/server that may import
// another one (one mover's two packages, one way only; issue 11).
var oneWay = map[string][]string{
	"server/shop": {"server/orders"},
}

// resourcePkgs are the packages under checkout/server other than the
// shared web and view.
func resourcePkgs(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join("..", "server"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() || e.Name() == "web" || e.Name() == "view" {
			continue
		}
		if gos, _ := filepath.Glob(filepath.Join("..", "server", e.Name(), "*.go")); len(gos) > 0 {
			out = append(out, "server/"+e.Name())
		}
	}
	return out
}

// serverDeps lists the packages of checkout/server (the wiring or a
// resource package) that pkg depends on, other than web, view and itself.
func serverDeps(t *testing.T, pkg string) []string {
	t.Helper()
	var out []string
	for d := range deps(t, pkg) {
		rest, under := strings.CutPrefix(d, module+"server")
		if !under || rest == "/web" || rest == "/view" || d == module+pkg || strings.HasPrefix(rest, "/web/") {
			continue
		}
		out = append(out, strings.TrimPrefix(d, module))
	}
	slices.Sort(out)
	return out
}

// TestResourcesImportNoOther: a resource package never imports the wiring
// (checkout/server) nor another resource package, except the pairs in
// oneWay; what it needs of another is an interface it declares, which the
// wiring fills in.
func TestResourcesImportNoOther(t *testing.T) {
	pkgs := resourcePkgs(t)
	if !slices.Contains(pkgs, "server/shop") || !slices.Contains(pkgs, "server/orders") {
		t.Fatalf("resource packages %v; run from checkout/archtest", pkgs)
	}
	for _, p := range pkgs {
		for _, d := range serverDeps(t, p) {
			if !slices.Contains(oneWay[p], d) {
				t.Errorf("checkout/%s depends on checkout/%s; declare an interface in %s and let checkout/server wire it", p, d, p)
			}
		}
	}
}

// TestResourceCheckSeesImport: the check sees an import between resource
// packages where there is one (shop imports orders).
func TestResourceCheckSeesImport(t *testing.T) {
	if !slices.Contains(serverDeps(t, "server/shop"), "server/orders") {
		t.Error("checkout/server/shop's import of orders is not seen: the check sees nothing")
	}
}
