package cli

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shop backup verifies the copy and tells the sidecar, whose alerts view
// then shows the backup; shop checkout --check says OK on the copy and
// NOT OK, with the way out, on a damaged or truncated one.
func TestBackupVerifiedAndChecked(t *testing.T) {
	base, _ := startSidecar(t)
	t.Setenv("SHOP_ADMIN_URL", base)
	t.Setenv("SHOP_ADMIN_TOKEN", token)
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := Backup([]string{"-o", out}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", base+"/api/admin/alerts", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		LastBackup string `json:"last_backup"`
	}
	json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	if v.LastBackup == "" {
		t.Error("the sidecar does not know about the verified backup")
	}

	var w bytes.Buffer
	if err := CheckFile(&w, out); err != nil || !strings.HasPrefix(w.String(), "OK:") || !strings.Contains(w.String(), "1 orders") {
		t.Fatalf("check of a good backup: %q, %v", w.String(), err)
	}
	if err := Checkout([]string{"--check", out}); err != nil {
		t.Fatalf("shop checkout --check on a good backup: %v", err)
	}

	good, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// truncated
	if err := os.WriteFile(out, good[:len(good)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Checkout([]string{"--check", out}); err == nil || !strings.Contains(err.Error(), "NOT OK") || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("check of a truncated copy: %v", err)
	}
	// garbage over every data page, one at a time: never OK unless the page is unused
	rng := rand.New(rand.NewPCG(3, 4))
	refused := 0
	for pg := 2; pg < len(good)/4096; pg++ {
		b := append([]byte(nil), good...)
		for i := pg * 4096; i < (pg+1)*4096; i++ {
			b[i] = byte(rng.UintN(256))
		}
		if err := os.WriteFile(out, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := CheckFile(&w, out); err != nil {
			refused++
			if !strings.Contains(err.Error(), "backup") {
				t.Errorf("page %d: %v: want the restore steps", pg, err)
			}
		}
	}
	if refused == 0 {
		t.Error("no damaged page was refused")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"4GB": 4 << 30, "500 MB": 500 << 20, "1024": 1024, "always": -1} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1GB", "lots", "0"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}
