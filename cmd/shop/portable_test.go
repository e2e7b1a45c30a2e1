package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
