package site

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// TestFrontCutsOffSlowBody: shop serve's public server ends a request whose
// body does not arrive within the read timeout, as production does (issue
// 12, item 7). The timeout is short here; the wiring passes production's.
func TestFrontCutsOffSlowBody(t *testing.T) {
	got := make(chan error, 1)
	front := frontServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		got <- err
	}), Timeouts{Read: 200 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go front.Serve(ln)
	defer front.Close()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers promise 1000 bytes; 10 arrive, then nothing.
	if _, err := io.WriteString(conn, "POST /api/cart/items HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n0123456789"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if err == nil {
			t.Fatal("the body read ended without an error")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a slowly sent body was not cut off")
	}

	// The next request on a fresh connection is served normally, and a
	// WebSocket upgrade gets no deadline (live reload stays open).
	c2, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	io.WriteString(c2, "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nok")
	line, _ := bufio.NewReader(c2).ReadString('\n')
	if !strings.Contains(line, "200") {
		t.Errorf("a whole body: %q", line)
	}
	if err := <-got; err != nil {
		t.Errorf("a whole body: %v", err)
	}
}

// TestFrontWaitsForSlowAnswer: a request without a body is not cut off by
// the read timeout while the handler (Hugo rendering a page of a big shop
// on first visit after an edit) takes longer than that to answer.
func TestFrontWaitsForSlowAnswer(t *testing.T) {
	front := frontServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(600 * time.Millisecond):
			io.WriteString(w, "rendered")
		case <-r.Context().Done():
			http.Error(w, "cancelled", http.StatusBadGateway)
		}
	}), Timeouts{Read: 200 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go front.Serve(ln)
	defer front.Close()
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, _ := http.NewRequest(method, "http://"+ln.Addr().String()+"/producten/x/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s of a page that takes longer than the read timeout: %d", method, resp.StatusCode)
		}
	}
}

// TestServeConfig: shop serve's extra config keeps the shop's own cascade
// entries (Hugo replaces the list from hugo.toml with the one from the extra
// file) and adds the one that publishes product files only when used.
// TestServeConfigNotTwice: a shop whose hugo.toml has the entry already
// (the demo's) gets no extra config file.
func TestServeConfigNotTwice(t *testing.T) {
	dir := t.TempDir()
	hugo := "title = \"x\"\n[[cascade]]\n  [cascade.build]\n    publishResources = false\n  [cascade.target]\n    path = \"{/products/**}\"\n"
	if err := os.WriteFile(filepath.Join(dir, "hugo.toml"), []byte(hugo), 0o644); err != nil {
		t.Fatal(err)
	}
	if path, err := serveConfig(dir); err != nil || path != "" {
		t.Errorf("serveConfig of a shop that has the entry: %q, %v; want none", path, err)
	}
	if path, err := serveConfig(filepath.Join("..")); err != nil || path != "" {
		t.Errorf("serveConfig of the demo shop: %q, %v; want none (its hugo.toml has the entry)", path, err)
	}
}

func TestServeConfig(t *testing.T) {
	for _, tc := range []struct {
		name, hugo string
		want       int // cascade entries
	}{
		{"no cascade", "title = \"x\"\n", 1},
		{"a list", "title = \"x\"\n[[cascade]]\n  outputs = [\"html\", \"rss\"]\n  [cascade.target]\n    path = \"{/tags/**}\"\n[[cascade]]\n  [cascade.params]\n    a = 1\n", 3},
		{"one table", "[cascade]\n  [cascade.params]\n    a = 1\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "hugo.toml"), []byte(tc.hugo), 0o644); err != nil {
				t.Fatal(err)
			}
			path, err := serveConfig(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer os.Remove(path)
			b, _ := os.ReadFile(path)
			var got struct{ Cascade []map[string]any }
			if err := toml.Unmarshal(b, &got); err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if len(got.Cascade) != tc.want {
				t.Fatalf("%d cascade entries, want %d:\n%s", len(got.Cascade), tc.want, b)
			}
			last := got.Cascade[len(got.Cascade)-1]
			if !reflect.DeepEqual(last["build"], map[string]any{"publishResources": false}) || !reflect.DeepEqual(last["target"], map[string]any{"path": "{/products/**}"}) {
				t.Errorf("the last entry is not shop serve's: %v", last)
			}
			if tc.want == 3 && !strings.Contains(string(b), "{/tags/**}") {
				t.Errorf("the shop's own entry is gone:\n%s", b)
			}
		})
	}
}
