// Command servelat measures what an editor waits for in `shop serve` on a
// (generated) shop: from saving one product's page to the page being served
// with the change, and from adding a new product bundle to its page being
// served; optionally with Go's CPU profiler on during the edits only (not the
// first build), to see where a rebuild's time goes.
//
//	go build -o /tmp/servelat ./tools/servelat
//	/tmp/servelat -s /tmp/books20k -n 5 -cpu /tmp/serve.pprof
//	go tool pprof -top -cum /tmp/serve.pprof | head -60
//
// It reports two times for each: until the page is served with the change
// (Hugo writes the page being edited early in a rebuild) and until the
// rebuild is done (Hugo's "Total in" line, when it tells the browser to
// reload: what the editor waits for). With -home it then visits the home
// page, as an editor who opened the shop there would, and times the edits
// again: Hugo's fast render mode then re-renders the home page's outputs
// (over every product) on every edit.
//
// It edits the first product's title in place and restores it, and removes
// the products it adds. cmd/shop's BenchmarkServeRebuild and
// BenchmarkServeAddProduct measure the same through the shop binary. It
// reports on standard error (shop serve takes over standard output).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/storefront/storefront/site"
)

func main() {
	src := flag.String("s", ".", "the shop's folder (edited in place and restored)")
	n := flag.Int("n", 5, "edits and additions to time")
	cpu := flag.String("cpu", "", "write a CPU profile of the edits (not the first build) here")
	home := flag.Bool("home", false, "then visit the home page and time the edits again")
	flag.Parse()
	if err := run(*src, *n, *cpu, *home); err != nil {
		log.Fatal(err)
	}
}

func run(src string, n int, cpu string, home bool) error {
	products, _ := filepath.Glob(filepath.Join(src, "content", "products", "*", "index.md"))
	if len(products) == 0 {
		return fmt.Errorf("%s has no content/products/*/index.md", src)
	}
	sort.Strings(products)
	file := products[0]
	orig, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	defer os.WriteFile(file, orig, 0o644)
	m := regexp.MustCompile(`(?m)^title: "([^"]+)"`).FindSubmatch(orig)
	if m == nil {
		return fmt.Errorf("%s has no title line", file)
	}
	title := string(m[1])
	bundle := filepath.Dir(file)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	rebuilt := &totals{c: make(chan time.Time, 16)}
	go func() {
		done <- site.Serve(ctx, site.ServeOptions{Source: src, Port: port, Out: rebuilt,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}()
	defer func() { cancel(); <-done }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	page := base + "/producten/" + filepath.Base(bundle) + "/"
	if err := waitFor(page, title, 2*time.Hour, done); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "first build served after %s (%d products)\n", time.Since(start).Round(time.Millisecond), len(products))
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// edit saves the product n times with a new title and times each.
	edit := func() (served, rebuilds []time.Duration, cpu time.Duration, err error) {
		cpu0 := cpuTime()
		for i := 0; i < n; i++ {
			marker := fmt.Sprintf("%s rev%d-%d", title, i, time.Now().UnixNano())
			next := bytes.Replace(orig, []byte(`title: "`+title+`"`), []byte(`title: "`+marker+`"`), 1)
			rebuilt.drain()
			t := time.Now()
			if err := os.WriteFile(file, next, 0o644); err != nil {
				return nil, nil, 0, err
			}
			if err := waitFor(page, marker, 5*time.Minute, done); err != nil {
				return nil, nil, 0, err
			}
			served = append(served, time.Since(t))
			rebuilds = append(rebuilds, rebuilt.after(t, 5*time.Minute))
		}
		return served, rebuilds, cpuTime() - cpu0, nil
	}
	edits, editsDone, editCPU, err := edit()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "edit one product → served:        %s\n", summary(edits))
	fmt.Fprintf(os.Stderr, "edit one product → rebuild done:  %s; CPU %s an edit\n", summary(editsDone), perEdit(editCPU, len(edits)))
	var adds, addsDone []time.Duration
	var added []string
	cpu0 := cpuTime()
	stamp := time.Now().UnixNano()
	for i := 0; i < n; i++ {
		slug := fmt.Sprintf("zz-servelat-%d-%d", stamp, i)
		tmp, err := os.MkdirTemp("", "servelat-")
		if err != nil {
			return err
		}
		if err := copyDir(bundle, tmp); err != nil {
			return err
		}
		os.Remove(filepath.Join(tmp, "index.en.md")) // the new product in one language
		marker := fmt.Sprintf("Nieuw %d %d", stamp, i)
		next := bytes.Replace(orig, []byte(`title: "`+title+`"`), []byte(`title: "`+marker+`"`), 1)
		next = bytes.ReplaceAll(next, []byte(`sku: "`), []byte(fmt.Sprintf(`sku: "NEW%d-%d-`, stamp%100000, i)))
		if err := os.WriteFile(filepath.Join(tmp, "index.md"), next, 0o644); err != nil {
			return err
		}
		dst := filepath.Join(src, "content", "products", slug)
		defer os.RemoveAll(dst)
		added = append(added, dst)
		rebuilt.drain()
		t := time.Now()
		if err := os.Rename(tmp, dst); err != nil { // the bundle appears at once
			return err
		}
		if err := waitFor(base+"/producten/"+slug+"/", marker, 5*time.Minute, done); err != nil {
			return err
		}
		adds = append(adds, time.Since(t))
		addsDone = append(addsDone, rebuilt.after(t, 5*time.Minute))
	}
	addCPU := cpuTime() - cpu0
	fmt.Fprintf(os.Stderr, "add a product → served:           %s\n", summary(adds))
	fmt.Fprintf(os.Stderr, "add a product → rebuild done:     %s; CPU %s an addition\n", summary(addsDone), perEdit(addCPU, len(adds)))
	if home {
		// The added products go first (as the deferred removal would).
		rebuilt.drain()
		t := time.Now()
		for _, dst := range added {
			os.RemoveAll(dst)
		}
		rebuilt.after(t, 5*time.Minute)
		if err := waitFor(base+"/", "<html", 10*time.Minute, done); err != nil {
			return err
		}
		edits, editsDone, editCPU, err := edit()
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "with / visited: edit → served:       %s\n", summary(edits))
		fmt.Fprintf(os.Stderr, "with / visited: edit → rebuild done: %s; CPU %s an edit\n", summary(editsDone), perEdit(editCPU, len(edits)))
	}
	return nil
}

// totals receives shop serve's output and notes when Hugo ends a rebuild
// ("Total in … ms").
type totals struct{ c chan time.Time }

func (t *totals) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("Total in ")) {
		select {
		case t.c <- time.Now():
		default:
		}
	}
	return len(p), nil
}

func (t *totals) drain() {
	for {
		select {
		case <-t.c:
		default:
			return
		}
	}
}

// after is the time from start to the end of the first rebuild that ended
// after start, or limit if none did.
func (t *totals) after(start time.Time, limit time.Duration) time.Duration {
	timeout := time.After(limit)
	for {
		select {
		case at := <-t.c:
			if at.After(start) {
				return at.Sub(start)
			}
		case <-timeout:
			return limit
		}
	}
}

// cpuTime is the CPU time (user+sys) this process has used so far: on a
// shared machine the steadier figure than wall time. It includes the
// polling of the page, a small part.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func perEdit(d time.Duration, n int) string {
	if n == 0 {
		return "none"
	}
	return (d / time.Duration(n)).Round(time.Millisecond).String()
}

func summary(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	var sum time.Duration
	parts := make([]string, len(ds))
	for i, d := range ds {
		sum += d
		parts[i] = d.Round(time.Millisecond).String()
	}
	return fmt.Sprintf("mean %s of %d (%s)", (sum / time.Duration(len(ds))).Round(time.Millisecond), len(ds), strings.Join(parts, ", "))
}

// waitFor polls url until its body contains want.
func waitFor(url, want string, limit time.Duration, done <-chan error) error {
	deadline := time.Now().Add(limit)
	last, report := "no answer", time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			return fmt.Errorf("shop serve stopped: %v", err)
		default:
		}
		if resp, err := http.Get(url); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && bytes.Contains(body, []byte(want)) {
				return nil
			}
			last = fmt.Sprintf("%d, %d bytes", resp.StatusCode, len(body))
		} else {
			last = err.Error()
		}
		if time.Now().After(report) {
			fmt.Fprintf(os.Stderr, "still waiting for %q at %s (last answer: %s)\n", want, url, last)
			report = time.Now().Add(time.Minute)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("%s did not show %q within %s (last answer: %s)", url, want, limit, last)
}

func copyDir(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
