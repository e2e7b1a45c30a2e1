package site

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// BuildOptions say what to build and where.
type BuildOptions struct {
	Source  string // the shop's folder (hugo.toml, content/, …); default "."
	Dest    string // output folder; default <Source>/public
	BaseURL string // overrides baseURL in hugo.toml
	// Environment is Hugo's environment; default "production".
	Environment string
	// NoMinify skips minification (benchmarks compare like with like).
	NoMinify bool
	// ExtraConfig are TOML files merged over the shop's hugo.toml, later ones
	// winning (tests and benchmarks: e.g. a small params.pageSize; Hugo ignores
	// HUGO_* environment overrides inside a test binary).
	ExtraConfig []string
	// HugoFlags are extra flags for `hugo build` (tools/buildprof:
	// --templateMetrics, --templateMetricsHints); their output is Result.Log.
	HugoFlags []string
}

// Result is what a build produced.
type Result struct {
	Dest     string
	Pages    int // pages Hugo rendered, all languages
	Products int // products in the produced catalog.json (a product with variants counts once)
	SKUs     int // items (SKUs) in the produced catalog.json
	Images   int // images processed (resized, converted) by Hugo
	Duration time.Duration
	Warnings []string
	Log      string // Hugo's standard output (the build table, template metrics)
}

// Summary is the one line `shop build` prints.
func (r Result) Summary() string {
	return fmt.Sprintf("built %d pages, %d products (%d SKUs), %d images in %s into %s",
		r.Pages, r.Products, r.SKUs, r.Images, r.Duration.Round(time.Millisecond), r.Dest)
}

// BuildError is a failed build: the problems Hugo and the theme reported,
// each naming the file (and field) to fix.
type BuildError struct {
	Problems []string
	Err      error // Hugo's own error
}

func (e *BuildError) Error() string {
	if len(e.Problems) == 0 {
		return clean(e.Err.Error(), "")
	}
	return strings.Join(e.Problems, "\n")
}

func (e *BuildError) Unwrap() error { return e.Err }

// Build runs a production build with the embedded Hugo.
func Build(opts BuildOptions) (Result, error) {
	src := opts.Source
	if src == "" {
		src = "."
	}
	src, err := filepath.Abs(src)
	if err != nil {
		return Result{}, err
	}
	if _, err := os.Stat(src); err != nil {
		return Result{}, fmt.Errorf("shop folder %s: %w", src, err)
	}
	dest := opts.Dest
	if dest == "" {
		dest = filepath.Join(src, "public")
	}
	dest, err = filepath.Abs(dest)
	if err != nil {
		return Result{}, err
	}
	environment := opts.Environment
	if environment == "" {
		environment = "production"
	}
	args := []string{"build", "-s", src, "-d", dest, "--gc", "--cleanDestinationDir", "--environment", environment}
	if !opts.NoMinify {
		args = append(args, "--minify")
	}
	if opts.BaseURL != "" {
		args = append(args, "--baseURL", opts.BaseURL)
	}
	if len(opts.ExtraConfig) > 0 {
		files := []string{filepath.Join(src, "hugo.toml")}
		for _, f := range opts.ExtraConfig {
			abs, err := filepath.Abs(f)
			if err != nil {
				return Result{}, fmt.Errorf("extra config %s: %w", f, err)
			}
			files = append(files, abs)
		}
		args = append(args, "--config", strings.Join(files, ","))
	}
	args = append(args, opts.HugoFlags...)
	start := time.Now()
	stdout, stderr, runErr := runHugo(args, nil)
	res := Result{Dest: dest, Duration: time.Since(start), Log: string(stdout)}
	msgs := parseLog(append(stdout, stderr...), src)
	res.Warnings = msgs.Warnings
	if runErr != nil {
		return res, &BuildError{Problems: msgs.Errors, Err: runErr}
	}
	res.Pages, res.Images = parseStats(stdout)
	if products, skus, err := catalogItems(filepath.Join(dest, "catalog.json")); err == nil {
		res.Products, res.SKUs = products, skus
	} else if !errors.Is(err, os.ErrNotExist) {
		return res, err
	}
	return res, nil
}

var statsRowRe = regexp.MustCompile(`^\s*(Pages|Processed images)\s*[│|](.*)$`)

// parseStats reads Hugo's build table: pages and processed images, summed
// over the languages (one column each).
func parseStats(out []byte) (pages, images int) {
	for _, line := range strings.Split(string(out), "\n") {
		g := statsRowRe.FindStringSubmatch(line)
		if g == nil {
			continue
		}
		sum := 0
		for _, f := range strings.FieldsFunc(g[2], func(r rune) bool { return r == '│' || r == '|' || r == ' ' }) {
			n, err := strconv.Atoi(f)
			if err == nil {
				sum += n
			}
		}
		if g[1] == "Pages" {
			pages = sum
		} else {
			images = sum
		}
	}
	return pages, images
}

func catalogItems(path string) (products, skus int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	var c struct {
		Items []struct {
			Product string `json:"product"`
		} `json:"items"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return 0, 0, fmt.Errorf("read %s: %w", path, err)
	}
	seen := map[string]bool{}
	for _, it := range c.Items {
		seen[it.Product] = true
	}
	return len(seen), len(c.Items), nil
}
