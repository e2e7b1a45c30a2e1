package archtest

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// importers lists the packages of the module that import pkg directly
// (tests not counted).
func importers(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "github.com/storefront/storefront/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var hits []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		if len(f) > 1 && slices.Contains(f[1:], module+pkg) {
			hits = append(hits, strings.TrimPrefix(f[0], module))
		}
	}
	slices.Sort(hits)
	return hits
}

// TestStoreLayers: the store's packages point one way (docs/architecture.md,
// "The store"): store/kv (the transaction-level helpers) imports neither
// store nor store/side; store/side (resources outside the order
// transaction) imports kv but never store; store/filecheck (checks of the
// file on its path) imports none of them; and only store builds the side
// resources, so every caller reaches them as st.Reviews, st.Polls, ….
func TestStoreLayers(t *testing.T) {
	for pkg, bad := range map[string][]string{
		"store/kv":        {module + "store", module + "store/side"},
		"store/side":      {module + "store"},
		"store/filecheck": {module + "store", module + "store/side", module + "store/kv"},
	} {
		if hits := forbidden(t, pkg, bad); len(hits) > 0 {
			t.Errorf("checkout/%s depends on %v", pkg, hits)
		}
	}
	if got := importers(t, "store/side"); !slices.Equal(got, []string{"store"}) {
		t.Errorf("checkout/store/side is imported by %v; only checkout/store builds it", got)
	}
	if got := importers(t, "store/kv"); !slices.Equal(got, []string{"store", "store/side"}) {
		t.Errorf("checkout/store/kv is imported by %v; only checkout/store and store/side share it", got)
	}
}

// TestStoreCheckSeesImport: the check sees the store's own import of side.
func TestStoreCheckSeesImport(t *testing.T) {
	if hits := forbidden(t, "store", []string{module + "store/side", module + "store/kv"}); len(hits) != 2 {
		t.Errorf("checkout/store depends on %v of store/side, store/kv: the check sees nothing", hits)
	}
}
