package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// actors are the "by" of history entries: string literals that may stand
// in the calls that write history.
var actors = map[string]bool{
	"customer": true, "webhook": true, "cli": true, "admin": true, "admin-page": true, "reconciler": true,
	"giftcard": true, "carrier": true, "standing": true, "subscription": true, "system": true, "return": true, "checkout": true,
}

// strayNotes lists the places in f that write an order's history note as
// text of their own (a string literal, a concatenation or fmt.Sprintf in a
// call of note, Apply or Do, or in an EventRecord's Note) instead of
// order.Note with a kind of order.NoteKinds.
func strayNotes(fset *token.FileSet, f *ast.File) []string {
	var out []string
	bad := func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind != token.STRING {
				return false
			}
			s, _ := strconv.Unquote(e.Value)
			return s != "" && !actors[s]
		case *ast.BinaryExpr:
			return e.Op == token.ADD
		case *ast.CallExpr:
			if sel, ok := e.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "fmt" && strings.HasPrefix(sel.Sel.Name, "Sprint") {
					return true
				}
			}
		}
		return false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			// Order.note(by, note, now); Order.Apply and Order.Do(ev, by,
			// note, now); the store's Orders.Do(id, ev, by, note).
			if !ok || !(sel.Sel.Name == "note" && len(n.Args) == 3 || (sel.Sel.Name == "Apply" || sel.Sel.Name == "Do") && len(n.Args) == 4) {
				return true
			}
			for _, a := range n.Args {
				if bad(a) {
					out = append(out, fset.Position(a.Pos()).String())
				}
			}
		case *ast.CompositeLit:
			name := ""
			switch t := n.Type.(type) {
			case *ast.Ident:
				name = t.Name
			case *ast.SelectorExpr:
				name = t.Sel.Name
			}
			if name != "EventRecord" {
				return true
			}
			for _, el := range n.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Note" && bad(kv.Value) {
						out = append(out, fset.Position(kv.Value.Pos()).String())
					}
				}
			}
		}
		return true
	})
	return out
}

// TestHistoryNotesHaveAKind: every note the code writes in an order's
// history is made by order.Note from a kind in order.NoteKinds, the list
// TestHistoryNotesInOwnerWords checks for the owner's words, so no note
// stays English on the owner's Dutch page.
func TestHistoryNotesHaveAKind(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.Contains(p, "testdata") {
			return err
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		for _, at := range strayNotes(fset, f) {
			t.Errorf("%s: a history note written as text; add a kind to checkout/order/notes.go and use order.Note", at)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStrayNotesAreFound: the check finds each way of writing a note of
// one's own, and passes order.Note, actors and the empty note.
func TestStrayNotesAreFound(t *testing.T) {
	src := `package x
func f() {
	o.note(by, "payment "+id+" lost", now)
	o.Apply(EventPaid, "webhook", fmt.Sprintf("paid %s", id), now)
	s.Orders.Do(id, order.EventCancel, "reconciler", "no reason")
	_ = EventRecord{By: "customer", Note: "hello"}
	o.note(by, Note(NoteLabel, code), now)
	o.Do(order.EventPack, "cli", "", now)
	w.note("create_payment", err)
	_ = order.EventRecord{By: "customer", Note: order.Note(order.NotePlaced)}
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := strayNotes(fset, f); len(got) != 4 {
		t.Errorf("found %d stray notes, want 4: %v", len(got), got)
	}
}
