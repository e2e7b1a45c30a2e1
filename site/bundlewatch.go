package site

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// bundleSettle is how long a bundle must be quiet before its page is re-rendered.
const bundleSettle = 400 * time.Millisecond

// bundleAgain is when the files are written a second time.
const bundleAgain = 3 * time.Second

// watchBundles makes every file event in a page bundle (a photo added,
// replaced or removed next to index.md) re-render the bundle's page under
// `shop serve`. Hugo's own watcher misses a photo that arrives in the same
// batch as the change that makes the page exist (the draft line removed):
// the page then says "no photo yet" until the next edit. Once the bundle is
// quiet, each file that had an event is written again with the same bytes:
// Hugo sees it once more, now that its page exists, and re-renders the page
// with it. The echoes of our own writes (same modification time) are
// ignored, so this happens once per change.
// It stops when ctx is done.
func watchBundles(ctx context.Context, contentDir string, log *slog.Logger) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	add := func(root string) {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && p != root {
					return filepath.SkipDir
				}
				_ = w.Add(p)
			}
			return nil
		})
	}
	add(contentDir)
	var (
		mu      sync.Mutex
		pending = map[string]bool{}      // files with an event, in a bundle
		ours    = map[string]time.Time{} // files we wrote, with the time we left on them
		writing = map[string]bool{}      // files we are writing now
		timer   *time.Timer
	)
	write := func(files map[string]bool) {
		for f := range files {
			mu.Lock()
			writing[f] = true // its events from now on are the echo of this write
			mu.Unlock()
			t, ok := rewrite(f, log)
			mu.Lock()
			delete(writing, f)
			if ok {
				ours[f] = t
			}
			mu.Unlock()
		}
	}
	flush := func() {
		mu.Lock()
		files := pending
		pending = map[string]bool{}
		mu.Unlock()
		write(files)
		// Once more when Hugo is surely done with the build the first
		// events started (on a busy machine it may still be running and
		// miss the first rewrite), unless the editor changed the file since.
		time.AfterFunc(bundleAgain, func() {
			again := map[string]bool{}
			mu.Lock()
			for f := range files {
				if t, mine := ours[f]; mine {
					if fi, err := os.Stat(f); err == nil && fi.ModTime().Equal(t) {
						again[f] = true
					}
				}
			}
			mu.Unlock()
			select {
			case <-ctx.Done():
			default:
				write(again)
			}
		})
	}
	go func() {
		defer w.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				log.Debug("bundle watcher", "err", err)
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if ev.Op&fsnotify.Create != 0 {
					if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
						add(ev.Name)
						continue
					}
				}
				if ev.Op == fsnotify.Chmod || strings.HasSuffix(ev.Name, ".md") || strings.HasPrefix(filepath.Base(ev.Name), ".") {
					continue // Hugo handles the pages themselves; editors' swap files are not content
				}
				if len(indexFiles(filepath.Dir(ev.Name))) == 0 {
					continue
				}
				mu.Lock()
				if writing[ev.Name] {
					mu.Unlock()
					continue
				}
				if t, mine := ours[ev.Name]; mine {
					if fi, err := os.Stat(ev.Name); err == nil && fi.ModTime().Equal(t) {
						mu.Unlock()
						continue // the echo of our own write
					}
					delete(ours, ev.Name)
				}
				pending[ev.Name] = true
				if timer == nil {
					timer = time.AfterFunc(bundleSettle, flush)
				} else {
					timer.Reset(bundleSettle)
				}
				mu.Unlock()
			}
		}
	}()
	return nil
}

// indexFiles are the bundle's index.md and its translations (index.en.md).
func indexFiles(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, "index*.md"))
	return m
}

// rewrite writes f again with the same bytes, so Hugo sees the file of the
// bundle once more, now that its page exists. A file that is gone, or that
// changes meanwhile (still being copied), is left alone: its next event
// comes back here.
func rewrite(f string, log *slog.Logger) (time.Time, bool) {
	before, err := os.Stat(f)
	if err != nil || !before.Mode().IsRegular() {
		return time.Time{}, false
	}
	b, err := os.ReadFile(f)
	if err != nil {
		return time.Time{}, false
	}
	if now, err := os.Stat(f); err != nil || !now.ModTime().Equal(before.ModTime()) || now.Size() != int64(len(b)) {
		return time.Time{}, false
	}
	// The same bytes over themselves: no truncation, so the file is never
	// empty or short for a reader in between.
	fh, err := os.OpenFile(f, os.O_WRONLY, 0)
	if err == nil {
		_, err = fh.WriteAt(b, 0)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		log.Warn("show a file added next to a page", "file", f, "err", err)
		return time.Time{}, false
	}
	after, err := os.Stat(f)
	if err != nil {
		return time.Time{}, false
	}
	return after.ModTime(), true
}
