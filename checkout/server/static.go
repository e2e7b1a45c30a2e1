package server

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	slashpath "path"
	"path/filepath"
	"strings"
)

// staticSite serves the built site from a directory (one-box setups and
// tests): files and directories with an index.html, never a directory
// listing; a missing page gets the site's 404.html with status 404.
type staticSite struct {
	dir   string
	files http.Handler
}

func newStaticSite(dir string) *staticSite {
	return &staticSite{dir: dir, files: http.FileServer(http.Dir(dir))}
}

func (st *staticSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := slashpath.Clean("/" + r.URL.Path)
	full := filepath.Join(st.dir, filepath.FromSlash(p))
	fi, err := os.Stat(full)
	if err == nil && fi.IsDir() {
		if _, ierr := os.Stat(filepath.Join(full, "index.html")); ierr != nil {
			err = fs.ErrNotExist
		}
	}
	if errors.Is(err, fs.ErrNotExist) || strings.Contains(p, "/.") {
		st.notFound(w, p)
		return
	}
	st.files.ServeHTTP(w, r)
}

// notFound answers with the 404 page of the path's language (/en/… gets
// en/404.html, as netlify.toml does), else the site's 404.html.
func (st *staticSite) notFound(w http.ResponseWriter, p string) {
	b, err := os.ReadFile(filepath.Join(st.dir, "404.html"))
	if seg, _, ok := strings.Cut(strings.TrimPrefix(p, "/"), "/"); ok && len(seg) == 2 {
		if lb, lerr := os.ReadFile(filepath.Join(st.dir, seg, "404.html")); lerr == nil {
			b, err = lb, nil
		}
	}
	if err != nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(b)
}
