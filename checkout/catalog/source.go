package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options tune a Source. The zero value is usable.
type Options struct {
	// Debounce waits this long after the last file event before reloading
	// (editors and builds write in several steps). Default 200ms.
	Debounce time.Duration
	// PollInterval is how often a URL is re-fetched with a conditional GET.
	// Default 1 minute.
	PollInterval time.Duration
	// StatInterval is how often a file's size and modification time are
	// checked besides fsnotify, to catch a replaced directory or a missed
	// event. Default 5s.
	StatInterval time.Duration
	// Client fetches URLs. Default: a client with a 30s timeout.
	Client *http.Client
	// Logger receives reload results. Default slog.Default().
	Logger *slog.Logger
	// MaxBytes limits the size of catalog.json. Default 64 MiB.
	MaxBytes int64
	// OnRefused is told when a new catalog is refused (the owner's alert).
	OnRefused func(error)
}

// Source keeps the newest valid catalog from a file path or an http(s) URL.
// A broken new catalog is logged and refused; the previous one stays in force.
// Current is safe for concurrent use.
type Source struct {
	location string
	isURL    bool
	opts     Options
	cur      atomic.Pointer[Catalog]

	mu           sync.Mutex
	subs         map[int]func(*Catalog)
	nextSub      int
	etag         string
	lastModified string
	stamp        fileStamp // of the file as last read

	cancel context.CancelFunc
	done   chan struct{}
}

// Open loads the catalog at location (a file path, or an http:// or https://
// URL) and starts watching it for changes: fsnotify on the file's directory
// (reload on write, create or rename of the file, debounced), or a
// conditional GET every PollInterval for a URL. The first load must succeed.
// Close stops the watching.
func Open(ctx context.Context, location string, opts Options) (*Source, error) {
	s := newSource(location, opts)
	if err := s.Reload(ctx); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	if s.isURL {
		go s.poll(wctx)
		return s, nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		cancel()
		return nil, fmt.Errorf("watch catalog %s: %w", location, err)
	}
	if err := w.Add(filepath.Dir(s.location)); err != nil {
		w.Close()
		cancel()
		return nil, fmt.Errorf("watch catalog %s: %w", location, err)
	}
	go s.watch(wctx, w)
	return s, nil
}

// Static wraps a fixed catalog in a Source (for tests and tools); it never
// reloads.
func Static(c *Catalog) *Source {
	s := newSource("", Options{})
	s.cur.Store(c)
	close(s.done)
	return s
}

func newSource(location string, opts Options) *Source {
	if opts.Debounce <= 0 {
		opts.Debounce = 200 * time.Millisecond
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Minute
	}
	if opts.StatInterval <= 0 {
		opts.StatInterval = 5 * time.Second
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 64 << 20
	}
	s := &Source{
		location: location,
		isURL:    strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://"),
		opts:     opts,
		subs:     map[int]func(*Catalog){},
		done:     make(chan struct{}),
	}
	if !s.isURL && location != "" {
		if abs, err := filepath.Abs(location); err == nil {
			s.location = abs
		}
	}
	return s
}

// Location is the path or URL the catalog is loaded from.
func (s *Source) Location() string { return s.location }

// Current returns the catalog in force. Never nil after Open succeeded.
// The returned catalog must not be modified.
func (s *Source) Current() *Catalog { return s.cur.Load() }

// Subscribe calls fn with every newly accepted catalog (not the current one),
// from the watching goroutine. The returned function unsubscribes.
func (s *Source) Subscribe(fn func(*Catalog)) (unsubscribe func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, id)
	}
}

// Close stops watching. The last catalog stays available through Current.
func (s *Source) Close() error {
	if s.cancel != nil {
		s.cancel()
		<-s.done
	}
	return nil
}

// ErrNotModified is returned by Reload when a URL answered 304 Not Modified.
var ErrNotModified = errors.New("catalog not modified")

// Reload loads the catalog now. On success the new catalog is in force and
// subscribers are told (unless its version equals the current one); on error
// the current one stays. A URL answering 304 returns ErrNotModified.
func (s *Source) Reload(ctx context.Context) error {
	data, v, err := s.fetch(ctx)
	if err != nil {
		return err
	}
	c, err := Parse(data)
	if err != nil {
		return fmt.Errorf("load catalog %s: %w", s.location, err)
	}
	// Remember the URL's validators only once the body is known to parse; a
	// broken catalog must be fetched again, not answered with 304 forever.
	s.mu.Lock()
	s.etag, s.lastModified = v.etag, v.lastModified
	s.mu.Unlock()
	old := s.cur.Swap(c)
	if old != nil && old.Version == c.Version && c.Version != "" {
		return nil
	}
	s.mu.Lock()
	subs := make([]func(*Catalog), 0, len(s.subs))
	for _, fn := range s.subs {
		subs = append(subs, fn)
	}
	s.mu.Unlock()
	for _, fn := range subs {
		fn(c)
	}
	return nil
}

// ReadSibling reads a file next to the catalog (same directory, or the same
// URL base), e.g. "_shell/index.html".
func (s *Source) ReadSibling(ctx context.Context, rel string) ([]byte, error) {
	if !s.isURL {
		p := filepath.Join(filepath.Dir(s.location), filepath.FromSlash(rel))
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		return b, nil
	}
	base, err := url.Parse(s.location)
	if err != nil {
		return nil, fmt.Errorf("read %s next to %s: %w", rel, s.location, err)
	}
	u := base.ResolveReference(&url.URL{Path: rel}).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read %s: HTTP %s", u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, s.opts.MaxBytes))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	return b, nil
}

// validators are a URL response's ETag and Last-Modified.
type validators struct{ etag, lastModified string }

func (s *Source) fetch(ctx context.Context) ([]byte, validators, error) {
	var v validators
	if !s.isURL {
		f, err := os.Open(s.location)
		if err != nil {
			return nil, v, fmt.Errorf("load catalog %s: %w", s.location, err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil {
			s.mu.Lock()
			s.stamp = stampOf(fi)
			s.mu.Unlock()
		}
		b, err := io.ReadAll(io.LimitReader(f, s.opts.MaxBytes+1))
		if err != nil {
			return nil, v, fmt.Errorf("load catalog %s: %w", s.location, err)
		}
		if int64(len(b)) > s.opts.MaxBytes {
			return nil, v, fmt.Errorf("load catalog %s: larger than %d bytes", s.location, s.opts.MaxBytes)
		}
		return b, v, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.location, nil)
	if err != nil {
		return nil, v, fmt.Errorf("load catalog %s: %w", s.location, err)
	}
	s.mu.Lock()
	if s.etag != "" {
		req.Header.Set("If-None-Match", s.etag)
	}
	if s.lastModified != "" {
		req.Header.Set("If-Modified-Since", s.lastModified)
	}
	s.mu.Unlock()
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		return nil, v, fmt.Errorf("load catalog %s: %w", s.location, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		return nil, v, ErrNotModified
	case http.StatusOK:
	default:
		return nil, v, fmt.Errorf("load catalog %s: HTTP %s", s.location, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, s.opts.MaxBytes+1))
	if err != nil {
		return nil, v, fmt.Errorf("load catalog %s: %w", s.location, err)
	}
	if int64(len(b)) > s.opts.MaxBytes {
		return nil, v, fmt.Errorf("load catalog %s: larger than %d bytes", s.location, s.opts.MaxBytes)
	}
	v = validators{etag: resp.Header.Get("ETag"), lastModified: resp.Header.Get("Last-Modified")}
	return b, v, nil
}

func (s *Source) reloadAndLog(ctx context.Context) {
	old := s.Current()
	err := s.Reload(ctx)
	switch {
	case errors.Is(err, ErrNotModified):
	case err != nil:
		s.opts.Logger.Error("catalog refused; previous catalog stays in force",
			"location", s.location, "err", err, "version_in_force", old.Version)
		if s.opts.OnRefused != nil {
			s.opts.OnRefused(err)
		}
	default:
		if c := s.Current(); c.Version != old.Version {
			s.opts.Logger.Info("catalog reloaded", "location", s.location,
				"version", c.Version, "items", len(c.Items))
		}
	}
}

func (s *Source) poll(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(s.opts.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.reloadAndLog(ctx)
		}
	}
}

// fileStamp tells whether a file changed since it was read.
type fileStamp struct {
	mod  time.Time
	size int64
}

func stampOf(fi os.FileInfo) fileStamp { return fileStamp{mod: fi.ModTime(), size: fi.Size()} }

func (a fileStamp) equal(b fileStamp) bool { return a.mod.Equal(b.mod) && a.size == b.size }

func (s *Source) watch(ctx context.Context, w *fsnotify.Watcher) {
	defer close(s.done)
	defer w.Close()
	var timer *time.Timer
	var fire <-chan time.Time
	dir, name := filepath.Dir(s.location), filepath.Base(s.location)
	schedule := func() {
		if timer == nil {
			timer = time.NewTimer(s.opts.Debounce)
		} else {
			timer.Reset(s.opts.Debounce)
		}
		fire = timer.C
	}
	check := time.NewTicker(s.opts.StatInterval)
	defer check.Stop()
	dirGone := false
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Name == dir && (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) {
				dirGone = true // re-watched by the next check once it is back
				continue
			}
			if filepath.Base(ev.Name) != name {
				continue
			}
			if ev.Has(fsnotify.Write) || ev.Has(fsnotify.Create) || ev.Has(fsnotify.Rename) {
				schedule()
			}
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.opts.Logger.Error("catalog watcher", "location", s.location, "err", err)
		case <-check.C:
			if dirGone {
				if err := w.Add(dir); err == nil {
					dirGone = false
				}
			}
			fi, err := os.Stat(s.location)
			if err != nil {
				continue
			}
			s.mu.Lock()
			changed := !stampOf(fi).equal(s.stamp)
			s.mu.Unlock()
			if changed && fire == nil {
				schedule()
			}
		case <-fire:
			fire = nil
			s.reloadAndLog(ctx)
		}
	}
}
