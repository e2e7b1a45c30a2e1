package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// httpPkgs are what a use case or a worker must not depend on: they are
// called by the HTTP layer and by timers alike, and answer in domain
// results and errors, never in statuses or pages.
var httpPkgs = []string{"net/http", "github.com/gin-gonic/gin", "html/template"}

// TestUseCasesDoNoHTTP: checkout/usecase and checkout/worker depend on no
// HTTP or HTML package, directly or not (issue 11: use cases return domain
// results, not HTTP).
func TestUseCasesDoNoHTTP(t *testing.T) {
	for _, p := range []string{"usecase", "worker"} {
		if hits := forbidden(t, p, httpPkgs); len(hits) > 0 {
			t.Errorf("checkout/%s depends on %v; turn a request into a call in checkout/server", p, hits)
		}
	}
}

// thinHandlers are the handler files of checkout/server (and the resource
// packages under it, by their path from there) whose resources
// live in checkout/usecase: they call the use case, never the store.
var thinHandlers = []string{"retention/reviews.go", "retention/polls.go", "retention/privacy.go", "retention/subscribe.go", "owner/stats.go", "shipping/carrier.go",
	"owner/api.go", "owner/pages.go", "owner/refunds.go", "owner/packing.go", "owner/mailfail.go", // usecase.Orders, Refunds, Sessions, MailQueue
	"owner/health.go", "alerts.go", // usecase.Health (the metrics' gauges), the alert e-mail through usecase.Mail
	"invoices/invoices.go",                     // usecase.Orders.Invoices
	"shop/checkout.go", "shop/checkoutpage.go"} // usecase.Orders.Place

// storeUse lists how file uses the store: an import of checkout/store, or
// a selector .store or .Store (a handler's store field; the moved
// resources export theirs).
func storeUse(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	var uses []string
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == module+"store" {
			uses = append(uses, "imports "+p)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && (sel.Sel.Name == "store" || sel.Sel.Name == "Store") {
			uses = append(uses, "uses ."+sel.Sel.Name)
		}
		return true
	})
	return uses
}

// TestHandlersDoNotCallStore: the moved resources' handlers reach the
// store only through checkout/usecase.
func TestHandlersDoNotCallStore(t *testing.T) {
	for _, name := range thinHandlers {
		if uses := storeUse(t, filepath.Join("..", "server", name)); len(uses) > 0 {
			t.Errorf("server/%s %v; call the use case (checkout/usecase) instead", name, uses)
		}
	}
}

// TestStoreCheckSeesStore: the check sees a handler file that calls the
// store (shop/cart.go still does).
func TestStoreCheckSeesStore(t *testing.T) {
	if uses := storeUse(t, filepath.Join("..", "server", "shop", "cart.go")); len(uses) == 0 {
		t.Error("server/shop/cart.go passes the store check: the check sees nothing")
	}
}
