// Command buildprof runs `shop build` (site.Build, production settings) on a shop
// with Go's CPU profiler on, for finding where a big shop's build time goes:
//
//	go run ./tools/buildprof -s /tmp/books1k -o /tmp/books1k/public-prof -cpu /tmp/build.pprof
//	go tool pprof -top -cum /tmp/build.pprof | head -60
//
// -metrics adds Hugo's --templateMetrics and --templateMetricsHints and prints
// their table (the templates' cumulative and average times, cacheability);
// -hints=false leaves the hints out (they cost a quarter of the CPU).
//
// -cpu "" builds without the profiler: BenchmarkGeneratedShop (site/bench_test.go)
// runs every build as its own buildprof process that way, so each build's CPU time
// and peak RSS are its own, not shared with the heap of the builds before it.
//
// Build it once (go build -o /tmp/buildprof ./tools/buildprof) to keep the compile
// out of the measurement. docs/benchmarks.md has what it found.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/storefront/storefront/site"
)

func main() {
	src := flag.String("s", ".", "the shop's folder")
	dest := flag.String("o", "", "output folder (default <shop>/public)")
	cpu := flag.String("cpu", "build.pprof", "where the CPU profile goes (\"\": no profile)")
	noMinify := flag.Bool("nominify", false, "no minification (as the bare layout of the GeneratedShop benchmark)")
	extra := flag.String("config", "", "comma-separated TOML files merged over the shop's hugo.toml (experiments: fewer outputs, other settings)")
	mem := flag.String("mem", "", "where an allocation profile goes (go tool pprof -sample_index=alloc_objects)")
	metrics := flag.Bool("metrics", false, "print Hugo's --templateMetrics and --templateMetricsHints table")
	hints := flag.Bool("hints", true, "with -metrics: add --templateMetricsHints (its similarity checks cost a quarter of the build's CPU and inflate every figure)")
	flag.Parse()
	var f *os.File
	if *cpu != "" {
		var err error
		if f, err = os.Create(*cpu); err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
	}
	opts := site.BuildOptions{Source: *src, Dest: *dest, NoMinify: *noMinify}
	if *extra != "" {
		opts.ExtraConfig = strings.Split(*extra, ",")
	}
	if *metrics {
		opts.HugoFlags = []string{"--templateMetrics"}
		if *hints {
			opts.HugoFlags = append(opts.HugoFlags, "--templateMetricsHints")
		}
	}
	res, err := site.Build(opts)
	if f != nil {
		pprof.StopCPUProfile()
		f.Close()
	}
	if err != nil {
		log.Fatal(err)
	}
	if *mem != "" {
		m, err := os.Create(*mem)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.Lookup("allocs").WriteTo(m, 0); err != nil {
			log.Fatal(err)
		}
		m.Close()
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpuTime := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if *metrics {
		fmt.Println(res.Log)
	}
	// Allocations do not depend on the neighbours' load as CPU time does on a
	// shared machine: a steadier measure of the work the templates do.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("%s; CPU %s (user+sys), peak RSS %d MB; allocated %d MB in %d objects, %d GC cycles\n",
		res.Summary(), cpuTime.Round(time.Millisecond), ru.Maxrss/1024, ms.TotalAlloc>>20, ms.Mallocs, ms.NumGC)
}
