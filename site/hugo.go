// Package site is the static half of storefront: it runs the embedded Hugo
// (github.com/gohugoio/hugo, through its own commands.Execute seam) to build
// the shop, serve it to an editor with live reload, and create new pages
// from the theme's archetypes.
package site

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gohugoio/hugo/commands"
)

// hugoMu serialises runs of the embedded Hugo: it keeps global state (its
// logger) and we redirect the process's stdout and stderr around a run.
var hugoMu sync.Mutex

// HugoVersion is the version of the embedded Hugo module.
func HugoVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/gohugoio/hugo" {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return "unknown"
}

// runHugo runs one Hugo command with stdout and stderr captured, and returns
// what it printed on each. env sets environment variables for this run only
// (note: Hugo ignores HUGO_* overrides inside a test binary).
func runHugo(args []string, env map[string]string) (stdout, stderr []byte, err error) {
	hugoMu.Lock()
	defer hugoMu.Unlock()
	for k, v := range env {
		old, had := os.LookupEnv(k)
		os.Setenv(k, v)
		if had {
			defer os.Setenv(k, old)
		} else {
			defer os.Unsetenv(k)
		}
	}
	outF, err := os.CreateTemp("", "shop-hugo-out-*")
	if err != nil {
		return nil, nil, fmt.Errorf("capture hugo output: %w", err)
	}
	defer os.Remove(outF.Name())
	defer outF.Close()
	errF, err := os.CreateTemp("", "shop-hugo-err-*")
	if err != nil {
		return nil, nil, fmt.Errorf("capture hugo output: %w", err)
	}
	defer os.Remove(errF.Name())
	defer errF.Close()

	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = outF, errF
	runErr := commands.Execute(args)
	os.Stdout, os.Stderr = oldOut, oldErr

	stdout, _ = os.ReadFile(outF.Name())
	stderr, _ = os.ReadFile(errF.Name())
	return stdout, stderr, runErr
}

// Messages are the ERROR and WARN lines Hugo logged, made readable.
type Messages struct {
	Errors   []string
	Warnings []string
}

var logLineRe = regexp.MustCompile(`^(ERROR|WARN)\s+(.*)$`)

// parseLog picks Hugo's ERROR and WARN lines (multi-line messages are kept
// together) and strips absolute paths under dir so messages name files the
// way an editor knows them.
func parseLog(out []byte, dir string) Messages {
	var m Messages
	var cur *[]string
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if g := logLineRe.FindStringSubmatch(line); g != nil {
			msg := clean(g[2], dir)
			if seen[msg] {
				cur = nil // Hugo reports some problems once per language
				continue
			}
			seen[msg] = true
			if g[1] == "ERROR" {
				m.Errors = append(m.Errors, msg)
				cur = &m.Errors
			} else {
				m.Warnings = append(m.Warnings, msg)
				cur = &m.Warnings
			}
			continue
		}
		if cur != nil && strings.TrimSpace(line) != "" && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
			(*cur)[len(*cur)-1] += "\n" + clean(line, dir)
			continue
		}
		cur = nil
	}
	return m
}

// clean shortens Hugo's error chains to what an editor acts on.
func clean(msg, dir string) string {
	if dir != "" {
		abs, _ := filepath.Abs(dir)
		msg = strings.ReplaceAll(msg, abs+string(filepath.Separator), "")
		msg = strings.ReplaceAll(msg, `"`+abs+`"`, `"."`)
	}
	// "… error calling errorf: content/x.md: field: what" -> the theme's own words.
	if i := strings.LastIndex(msg, "error calling errorf: "); i >= 0 {
		msg = msg[i+len("error calling errorf: "):]
	}
	msg = strings.TrimPrefix(msg, "error building site: ")
	return strings.TrimSpace(msg)
}
