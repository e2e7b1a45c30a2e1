package server

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestEveryRouteIsGuarded walks the router's own list of routes, so a route
// added later is checked too: every state-changing route refuses a
// cross-site request (except the ones that must take posts from elsewhere),
// and every owner's route refuses a caller without the token or a session.
func TestEveryRouteIsGuarded(t *testing.T) {
	sh := newShop(t)
	seen, problems := guardProblems(t, sh)
	for _, p := range problems {
		t.Error(p)
	}
	if seen < 20 {
		t.Fatalf("only %d guarded routes seen; is the router's list empty?", seen)
	}
}

// TestGuardCheckCatches: an owner's route added without its group's guard
// (here straight on the engine) is reported by the check above.
func TestGuardCheckCatches(t *testing.T) {
	sh := newShop(t)
	sh.sc.router.GET("/api/admin/unguarded", func(c *gin.Context) { c.String(http.StatusOK, "secret") })
	sh.sc.router.POST("/admin/unguarded", func(c *gin.Context) { c.String(http.StatusOK, "done") })
	_, problems := guardProblems(t, sh)
	var api, page bool
	for _, p := range problems {
		api = api || strings.Contains(p, "GET /api/admin/unguarded without token")
		page = page || strings.Contains(p, "POST /admin/unguarded")
	}
	if !api || !page {
		t.Errorf("the guard check missed an unguarded route: %q", problems)
	}
}

// TestRoutesOnlyInRouteTable: routes.go is the whole route table; no other
// file of the package or of its resource packages (web, and those under
// checkout/server/*) registers a route, builds a group or attaches the
// owner's guards (adminAuth, adminSession) to a route of its own.
func TestRoutesOnlyInRouteTable(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := filepath.Glob("*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, sub...)
	methods := map[string]bool{"GET": true, "POST": true, "HEAD": true, "PUT": true, "PATCH": true, "DELETE": true,
		"OPTIONS": true, "Any": true, "Handle": true, "Group": true, "Match": true}
	for _, name := range files {
		if name == "routes.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, isCall := n.(*ast.CallExpr)
			if !isCall {
				return true
			}
			sel, isSel := call.Fun.(*ast.SelectorExpr)
			if isSel && (strings.EqualFold(sel.Sel.Name, "adminAuth") || strings.EqualFold(sel.Sel.Name, "adminSession")) {
				t.Errorf("%s: %s attached outside routes.go; put the route in its group there", fset.Position(call.Pos()), sel.Sel.Name)
			}
			if !isSel || !methods[sel.Sel.Name] {
				return true
			}
			if len(call.Args) == 0 {
				return true
			}
			arg := call.Args[0]
			if sel.Sel.Name == "Handle" || sel.Sel.Name == "Match" {
				if len(call.Args) < 2 {
					return true
				}
				arg = call.Args[1]
			}
			if lit, isLit := arg.(*ast.BasicLit); isLit && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, `"/`) || isLit && lit.Value == `""` {
				t.Errorf("%s: route %s %s registered outside routes.go", fset.Position(call.Pos()), sel.Sel.Name, lit.Value)
			}
			return true
		})
	}
}

// guardProblems walks the router's own list of routes and says which are
// not guarded as their kind must be; seen counts the routes checked.
func guardProblems(t *testing.T, sh *testShop) (seen int, problems []string) {
	t.Helper()
	// Routes that take posts without an Origin by design.
	noOrigin := map[string]string{
		"POST /api/webhooks/mollie":                  "Mollie's servers post the webhook",
		"POST /api/webhooks/sendcloud":               "Sendcloud's servers post the webhook, signed",
		"POST /order/:token/review/opt-out":          "RFC 8058 one-click from a mail program",
		"POST /api/subscriptions/unsubscribe/:token": "RFC 8058 one-click from a mail program",
	}
	fill := func(path string) string {
		r := strings.NewReplacer(":token", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ":id", "SF-2026-000001",
			":sku", "MOK-001", ":order", "SF-2026-000001", ":product", "mok", ":action", "approve", "*rest", "x")
		return r.Replace(path)
	}
	for _, rt := range sh.sc.router.Routes() {
		key := rt.Method + " " + rt.Path
		changes := rt.Method != http.MethodGet && rt.Method != http.MethodHead
		admin := strings.HasPrefix(rt.Path, "/api/admin/") || (strings.HasPrefix(rt.Path, "/admin/") && rt.Path != "/admin/login")
		if rt.Method == "" || (!changes && !admin) {
			continue
		}
		seen++
		// The admin API's bearer token is no cookie: another site cannot send it.
		// The built-in provider's page (any method) checks its own forms' origin.
		if _, open := noOrigin[key]; changes && !open && !strings.HasPrefix(rt.Path, "/api/admin/") && rt.Path != "/pay/*rest" {
			req, _ := http.NewRequest(rt.Method, sh.url+fill(rt.Path), strings.NewReader("{}"))
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				problems = append(problems, fmt.Sprintf("%s from another site: %d, want 403", key, resp.StatusCode))
			}
		}
		if admin {
			req, _ := http.NewRequest(rt.Method, sh.url+fill(rt.Path), strings.NewReader(""))
			req.Header.Set("Origin", sh.url)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
				problems = append(problems, fmt.Sprintf("%s without token or session: %d, want 401 or 403", key, resp.StatusCode))
			}
		}
	}
	return seen, problems
}
