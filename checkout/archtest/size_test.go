package archtest

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 11's measure of a shape a newcomer can see: no package over ~3,000
// lines and no type with more than ~60 methods, without a stated reason.
const (
	maxPackageLines = 3000
	maxTypeMethods  = 60
)

// bigOnPurpose are the packages and types allowed over those limits, each
// with its reason. A new entry needs one too.
var bigOnPurpose = map[string]string{
	// docs/architecture.md, "The store": its resources share one bbolt
	// transaction through unexported helpers; no type in it is over the limit.
	"checkout/store": "the payment transaction's resources share unexported tx helpers",
	// A fake of Mollie's HTTP API, one method per documented behaviour.
	"checkout/mollie/molliefake.Server": "a test fake of a whole HTTP API",
}

// sizes counts the non-test lines of each package directory under root and
// the methods of each type, by "dir" and "dir.Type".
func sizes(t *testing.T, root string) (lines, methods map[string]int) {
	t.Helper()
	lines, methods = map[string]int{}, map[string]int{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		dir := filepath.ToSlash(filepath.Join("checkout", rel))
		lines[dir] += bytes.Count(src, []byte("\n"))
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) == 0 {
				continue
			}
			typ := fn.Recv.List[0].Type
			if st, ok := typ.(*ast.StarExpr); ok {
				typ = st.X
			}
			switch x := typ.(type) {
			case *ast.IndexExpr:
				typ = x.X
			case *ast.IndexListExpr:
				typ = x.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				methods[dir+"."+id.Name]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return lines, methods
}

// TestSizes: every package of checkout is under ~3,000 lines and every
// type under ~60 methods, or is in bigOnPurpose with its reason.
func TestSizes(t *testing.T) {
	lines, methods := sizes(t, "..")
	for dir, n := range lines {
		if _, ok := bigOnPurpose[dir]; n > maxPackageLines && !ok {
			t.Errorf("%s has %d lines (over %d): split it, or state why in bigOnPurpose and docs/architecture.md", dir, n, maxPackageLines)
		}
	}
	for typ, n := range methods {
		if _, ok := bigOnPurpose[typ]; n > maxTypeMethods && !ok {
			t.Errorf("%s has %d methods (over %d): split it, or state why in bigOnPurpose and docs/architecture.md", typ, n, maxTypeMethods)
		}
	}
	if n := methods["checkout/store.Store"]; n == 0 {
		t.Errorf("no methods counted for checkout/store.Store: the count sees nothing")
	}
}

// TestSizesSeeAType: the count finds the store's types where they are.
func TestSizesSeeAType(t *testing.T) {
	lines, methods := sizes(t, "..")
	if lines["checkout/store"] < 1000 || methods["checkout/store.Orders"] < 10 || methods["checkout/mollie/molliefake.Server"] <= maxTypeMethods {
		t.Errorf("sizes: store %d lines, store.Orders %d methods, molliefake.Server %d methods: the count is off",
			lines["checkout/store"], methods["checkout/store.Orders"], methods["checkout/mollie/molliefake.Server"])
	}
}
