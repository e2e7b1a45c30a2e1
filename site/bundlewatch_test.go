package site

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// A file added to a bundle is written again (soon, and once more when Hugo
// is surely done), and the echoes of those writes start no further rounds.
func TestWatchBundlesRewritesOnce(t *testing.T) {
	content := t.TempDir()
	bundle := filepath.Join(content, "products", "x")
	if err := os.MkdirAll(bundle, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(bundle, "index.md"), []byte("---\ntitle: x\n---\n"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := watchBundles(ctx, content, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	// A second watcher counts the writes to the photo.
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Add(bundle)
	photo := filepath.Join(bundle, "foto.jpg")
	os.WriteFile(photo, []byte("jpeg"), 0o644)
	writes := 0
	quiet := time.NewTimer(bundleAgain + 4*bundleSettle)
	for done := false; !done; {
		select {
		case ev := <-w.Events:
			if ev.Name == photo && ev.Op&fsnotify.Write != 0 {
				writes++
				quiet.Reset(bundleAgain + 4*bundleSettle)
			}
		case <-quiet.C:
			done = true
		}
	}
	// Our own WriteFile, then the watcher's two rewrites.
	if writes != 3 {
		t.Errorf("the photo was written %d times, want 3 (ours and two rewrites)", writes)
	}
	if b, _ := os.ReadFile(photo); string(b) != "jpeg" {
		t.Errorf("the photo changed: %q", b)
	}
}
