package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// moduleRoot is the folder holding go.mod, two levels up from cmd/shop.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return root
}

// goTool runs the go command of this toolchain in the module root.
func goTool(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The module file lists exactly what the code imports: `go mod tidy` would
// change nothing.
func TestGoModTidy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command; skipped with -short")
	}
	if out, err := goTool(t, nil, "mod", "tidy", "-diff"); err != nil {
		t.Fatalf("go.mod or go.sum is not tidy; run `go mod tidy`:\n%s", out)
	}
}

// The one binary builds for the shop owners' other machines, not only Linux.
func TestCrossBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the binary for other systems; skipped with -short")
	}
	for _, target := range []string{"windows/amd64", "darwin/arm64"} {
		t.Run(strings.ReplaceAll(target, "/", "-"), func(t *testing.T) {
			goos, goarch, _ := strings.Cut(target, "/")
			out, err := goTool(t, []string{"GOOS=" + goos, "GOARCH=" + goarch, "CGO_ENABLED=0"},
				"build", "-o", os.DevNull, "./cmd/shop")
			if err != nil {
				t.Fatalf("shop does not build for %s:\n%s", target, out)
			}
		})
	}
}

// TestSidecarBuild: `go build -tags sidecar` is the server's binary (deploy/,
// README): no Hugo inside, the site commands say where they are, and the
// sidecar starts and answers on its own.
func TestSidecarBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "shop")
	if out, err := goTool(t, nil, "build", "-tags", "sidecar", "-o", bin, "./cmd/shop"); err != nil {
		t.Fatalf("go build -tags sidecar: %v\n%s", err, out)
	}
	if out, err := goTool(t, nil, "version", "-m", bin); err != nil || strings.Contains(out, "gohugoio") || !strings.Contains(out, "go.etcd.io/bbolt") {
		t.Errorf("the sidecar binary's modules (want bbolt, not Hugo): %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "build").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "built for the server") || !strings.Contains(string(out), "go build ./cmd/shop") {
		t.Errorf("shop build in the sidecar binary: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "version").CombinedOutput(); err != nil || !strings.Contains(string(out), "Hugo not included") {
		t.Errorf("shop version: %v\n%s", err, out)
	}

	port := strconv.Itoa(freePort(t))
	dir := t.TempDir()
	cmd := exec.Command(bin, "checkout")
	cmd.Env = append(os.Environ(), "SHOP_LISTEN=127.0.0.1:"+port,
		"SHOP_CATALOG="+filepath.Join(moduleRoot(t), "checkout", "server", "testdata", "site", "catalog.json"),
		"SHOP_DATA="+filepath.Join(dir, "shop.db"), "SHOP_BASE_URL=http://127.0.0.1:"+port+"/",
		"SHOP_OUTBOX="+filepath.Join(dir, "outbox"), "SHOP_ADMIN_TOKEN=sidecar-build-test-0123456789abcdef0123")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://127.0.0.1:" + port + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sidecar binary did not get ready: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, err := http.Get("http://127.0.0.1:" + port + "/api/cart")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/cart on the sidecar binary: %v %v", err, resp)
	}
	resp.Body.Close()
}
