package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// recorder collects statuses and latencies per operation.
type recorder struct {
	mu  sync.Mutex
	ops map[string]*opStats
}

type opStats struct {
	lat      []time.Duration
	statuses map[int]int
}

func newRecorder() *recorder { return &recorder{ops: map[string]*opStats{}} }

func (r *recorder) add(op string, status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.ops[op]
	if s == nil {
		s = &opStats{statuses: map[int]int{}}
		r.ops[op] = s
	}
	s.lat = append(s.lat, d)
	s.statuses[status]++
}

// OpReport is one operation's figures. Latencies in milliseconds.
type OpReport struct {
	Op       string         `json:"op"`
	Count    int            `json:"count"`
	PerSec   float64        `json:"per_sec"`
	Statuses map[string]int `json:"statuses"`
	P50      float64        `json:"p50_ms"`
	P95      float64        `json:"p95_ms"`
	P99      float64        `json:"p99_ms"`
	Max      float64        `json:"max_ms"`
}

// RSSSample is the sidecar's resident memory at one moment.
type RSSSample struct {
	At   float64 `json:"at_s"`
	RSS  int64   `json:"rss_kb"`
	Anon int64   `json:"rss_anon_kb"` // heap and stacks
	File int64   `json:"rss_file_kb"` // mapped files: the binary, the bbolt mmap
	DB   int64   `json:"rss_db_kb"`   // of File, the mapped *.db files (bbolt)
	Pay  int64   `json:"rss_pay_kb"`  // of DB, the built-in provider's own file (*-localpay.db, before issue 17; 0 since, its payments are in shop.db)
	// Orders is how many checkouts had been answered 2xx by then.
	Orders int64 `json:"orders"`
	// CPU is the sidecar's CPU time (user+system) since the run started,
	// in seconds; Load the machine's 1-minute load average then.
	CPU  float64 `json:"cpu_s"`
	Load float64 `json:"load1"`
}

// Report is a run's result.
type Report struct {
	Mode         string      `json:"mode"`
	Concurrency  int         `json:"concurrency"`
	Seconds      float64     `json:"seconds"`
	Requests     int         `json:"requests"`
	PerSec       float64     `json:"per_sec"`
	ServerErrors int         `json:"server_errors"` // 5xx and transport errors
	Ops          []OpReport  `json:"ops"`
	Cart         *OpReport   `json:"cart_ops"` // all cart operations together
	RSS          []RSSSample `json:"rss,omitempty"`
	Checked      int         `json:"orders_checked"` // orders read back through the admin API
	Inconsistent []string    `json:"inconsistent,omitempty"`
}

func (r *recorder) report(cfg Config, elapsed time.Duration) *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	secs := elapsed.Seconds()
	rep := &Report{Mode: cfg.Mode, Concurrency: cfg.Concurrency, Seconds: secs}
	names := make([]string, 0, len(r.ops))
	for n := range r.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	var cart opStats
	cart.statuses = map[int]int{}
	for _, n := range names {
		s := r.ops[n]
		rep.Ops = append(rep.Ops, summarize(n, s, secs))
		rep.Requests += len(s.lat)
		for st, c := range s.statuses {
			if st == 0 || st >= 500 {
				rep.ServerErrors += c
			}
		}
		for _, c := range cartOps {
			if c == n {
				cart.lat = append(cart.lat, s.lat...)
				for st, c := range s.statuses {
					cart.statuses[st] += c
				}
			}
		}
	}
	rep.PerSec = float64(rep.Requests) / secs
	if len(cart.lat) > 0 {
		c := summarize("cart (all)", &cart, secs)
		rep.Cart = &c
	}
	return rep
}

func summarize(name string, s *opStats, secs float64) OpReport {
	lat := append([]time.Duration(nil), s.lat...)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(p*float64(len(lat))+0.5) - 1
		i = min(max(i, 0), len(lat)-1)
		return float64(lat[i].Microseconds()) / 1000
	}
	st := map[string]int{}
	for code, c := range s.statuses {
		k := strconv.Itoa(code)
		if code == 0 {
			k = "transport_error"
		}
		st[k] += c
	}
	return OpReport{Op: name, Count: len(lat), PerSec: float64(len(lat)) / secs, Statuses: st,
		P50: pct(0.50), P95: pct(0.95), P99: pct(0.99), Max: pct(1)}
}

// Print writes the report as a plain table.
func (rep *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "mode %s, %d virtual customers, %.1f s: %d requests, %.0f/s, %d server errors (5xx or transport)\n\n",
		rep.Mode, rep.Concurrency, rep.Seconds, rep.Requests, rep.PerSec, rep.ServerErrors)
	fmt.Fprintf(w, "%-14s %9s %9s %8s %8s %8s %8s  %s\n", "operation", "count", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms", "statuses")
	rows := append([]OpReport(nil), rep.Ops...)
	if rep.Cart != nil {
		rows = append(rows, *rep.Cart)
	}
	for _, o := range rows {
		fmt.Fprintf(w, "%-14s %9d %9.1f %8.2f %8.2f %8.2f %8.2f  %s\n", o.Op, o.Count, o.PerSec, o.P50, o.P95, o.P99, o.Max, statusText(o.Statuses))
	}
	if len(rep.RSS) > 0 {
		fmt.Fprintf(w, "\nsidecar memory (MB): time  RSS  (anon heap+stacks / file-backed: binary, bbolt mmap / of which *.db: shop.db + provider's)  CPU s  load  orders\n")
		for _, s := range rep.RSS {
			fmt.Fprintf(w, "  %4.0fs  %6.1f  (%.1f / %.1f / %.1f: %.1f + %.1f)  %6.1f  %5.1f  %6d\n", s.At, float64(s.RSS)/1024, float64(s.Anon)/1024,
				float64(s.File)/1024, float64(s.DB)/1024, float64(s.DB-s.Pay)/1024, float64(s.Pay)/1024, s.CPU, s.Load, s.Orders)
		}
		if last := rep.RSS[len(rep.RSS)-1]; rep.Requests > 0 && last.CPU > 0 {
			// CPU per request is the figure the neighbours on a shared
			// machine disturb least.
			fmt.Fprintf(w, "sidecar CPU: %.1f s, %.0f µs per request", last.CPU, last.CPU*1e6/float64(rep.Requests))
			for _, o := range rep.Ops {
				if o.Op == opCheckout && o.Count > 0 {
					fmt.Fprintf(w, ", %.0f µs per checkout (all its requests)", last.CPU*1e6/float64(o.Count))
				}
			}
			fmt.Fprintln(w)
		}
	}
	if rep.Checked > 0 {
		fmt.Fprintf(w, "\norders read back through the admin API: %d, inconsistent: %d\n", rep.Checked, len(rep.Inconsistent))
		for _, s := range rep.Inconsistent {
			fmt.Fprintln(w, "  ", s)
		}
	}
}

func statusText(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s:%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// rssSampler reads VmRSS of a process every interval until ctx ends.
type rssSampler struct {
	cpu0    float64
	orders  func() int64
	done    chan struct{}
	samples []RSSSample
}

func startRSS(ctx context.Context, pid int, every time.Duration, orders func() int64) *rssSampler {
	s := &rssSampler{done: make(chan struct{}), orders: orders}
	if pid <= 0 {
		close(s.done)
		return s
	}
	start := time.Now()
	s.cpu0 = procCPU(pid)
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.sample(pid, start)
			select {
			case <-ctx.Done():
				s.sample(pid, start)
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) sample(pid int, start time.Time) {
	m, err := procStatus(pid)
	if err != nil {
		return
	}
	s.samples = append(s.samples, RSSSample{At: time.Since(start).Round(time.Second).Seconds(),
		RSS: m["VmRSS"], Anon: m["RssAnon"], File: m["RssFile"], DB: mappedDB(pid, ".db"), Pay: mappedDB(pid, "-localpay.db"), Orders: s.orders(), CPU: procCPU(pid) - s.cpu0, Load: loadAvg()})
}

// mappedDB is the resident part of a process's mappings of files whose
// name ends in suffix (".db": the bbolt files), in kB from
// /proc/PID/smaps; 0 when unreadable.
func mappedDB(pid int, suffix string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	var n int64
	inDB := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.Contains(k, " ") {
			if inDB && k == "Rss" {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				n += kb
			}
			continue
		}
		// A mapping's header: address perms offset dev inode [path].
		fields := strings.Fields(line)
		inDB = len(fields) >= 6 && strings.HasSuffix(fields[len(fields)-1], suffix)
	}
	return n
}

// procCPU is a process's CPU time in seconds (utime+stime in
// /proc/PID/stat, in clock ticks of 1/100 s); 0 when unreadable.
func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; count from after it.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / 100
}

// loadAvg is the machine's 1-minute load average (0 when unreadable).
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

func (s *rssSampler) wait() []RSSSample {
	<-s.done
	return s.samples
}

// procStatus reads the kB figures of /proc/PID/status (VmRSS, RssAnon,
// RssFile, ...).
func procStatus(pid int) (map[string]int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), ":")
		v = strings.TrimSpace(v)
		if !ok || !strings.HasSuffix(v, " kB") {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64); err == nil {
			out[name] = n
		}
	}
	if _, ok := out["VmRSS"]; !ok {
		return nil, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
	}
	return out, nil
}
