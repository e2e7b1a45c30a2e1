package cli

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storefront/storefront/checkout/review"
	"github.com/storefront/storefront/checkout/server"
)

// TestReviewsCommands: a delivered order's review is listed, approved,
// exported next to a hand-written one, and withdrawn by a reject.
func TestReviewsCommands(t *testing.T) {
	base, id := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	var out bytes.Buffer
	for _, args := range [][]string{{"ship", id, "--tracking", "https://track.example/1"}, {"deliver", id}} {
		if err := orders(args, &out); err != nil {
			t.Fatalf("orders %v: %v", args, err)
		}
	}
	c, _ := newAdminClient(base)
	var o server.OrderView
	if _, err := c.do(http.MethodGet, "/api/admin/orders/"+id, nil, &o); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(o.URL)
	form := url.Values{"product": {"mok"}, "rating": {"5"}, "text": {`Mooie "mok", zwaar en warm`}, "author": {"Eva"}, "lang": {"nl"}}
	req, _ := http.NewRequest(http.MethodPost, base+u.Path+"/review", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("review form: %v %v", err, resp)
	}
	resp.Body.Close()

	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := reviews(args, &out)
		return out.String(), err
	}
	rid := id + "/mok"
	if out, err := run("list"); err != nil || !strings.Contains(out, rid) || !strings.Contains(out, "★★★★★") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if _, err := run("approve", "not-an-id"); err == nil {
		t.Error("approve with a malformed id")
	}
	if out, err := run("approve", rid); err != nil || !strings.Contains(out, "approved") {
		t.Fatalf("approve: %v %s", err, out)
	}

	dir := t.TempDir()
	revDir := filepath.Join(dir, "data", "reviews")
	os.MkdirAll(revDir, 0o755)
	hand := "[[reviews]]\nauthor = \"Marieke\"\nrating = 4\ndate = \"2026-10-14\"\nlang = \"nl\"\ntext = \"Met de hand.\"\nverified = true\n"
	os.WriteFile(filepath.Join(revDir, "mok.toml"), []byte(hand), 0o644)
	os.WriteFile(filepath.Join(revDir, "hario-v60.toml"), []byte(hand), 0o644)
	if out, err := run("export", "-s", dir); err != nil || !strings.Contains(out, "mok.toml") || strings.Contains(out, "hario") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	f := readReviews(t, filepath.Join(revDir, "mok.toml"))
	if len(f.Reviews) != 2 || f.Reviews[0].Author != "Marieke" || f.Reviews[1].ID != rid || f.Reviews[1].Text != `Mooie "mok", zwaar en warm` || f.Reviews[1].Rating != 5 || !f.Reviews[1].Verified {
		t.Fatalf("exported file: %+v", f.Reviews)
	}
	if b, _ := os.ReadFile(filepath.Join(revDir, "hario-v60.toml")); string(b) != hand {
		t.Error("a file with only hand-written reviews was rewritten")
	}
	if out, _ := run("export", "-s", dir); !strings.Contains(out, "up to date") {
		t.Errorf("second export: %s", out)
	}
	if _, err := run("reject", rid); err != nil {
		t.Fatal(err)
	}
	if _, err := run("export", "-s", dir); err != nil {
		t.Fatal(err)
	}
	if f := readReviews(t, filepath.Join(revDir, "mok.toml")); len(f.Reviews) != 1 || f.Reviews[0].Author != "Marieke" {
		t.Errorf("after reject: %+v", f.Reviews)
	}
	if out, err := run("request"); err != nil || !strings.Contains(out, "0 review request") {
		t.Errorf("request on the day of delivery: %v %s", err, out)
	}
}

func readReviews(t *testing.T, file string) review.File {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := review.ParseFile(b)
	if err != nil {
		t.Fatalf("%s does not parse: %v\n%s", file, err, b)
	}
	return f
}

func TestNotifyCommand(t *testing.T) {
	base, _ := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	run := func(args ...string) string {
		var out bytes.Buffer
		if err := notify(args, &out); err != nil {
			t.Fatalf("notify %v: %v", args, err)
		}
		return out.String()
	}
	if out := run("--dry-run"); !strings.Contains(out, "first run") {
		t.Errorf("dry run first: %s", out)
	}
	if out := run(); !strings.Contains(out, "first run") {
		t.Errorf("first run: %s", out)
	}
	if out := run(); !strings.Contains(out, "nothing new") {
		t.Errorf("second run: %s", out)
	}
	var out bytes.Buffer
	if err := notify([]string{"extra"}, &out); err == nil {
		t.Error("stray argument accepted")
	}
}
