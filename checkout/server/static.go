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
		st.notFound(w)
		return
	}
	st.files.ServeHTTP(w, r)
}

func (st *staticSite) notFound(w http.ResponseWriter) {
	b, err := os.ReadFile(filepath.Join(st.dir, "404.html"))
	if err != nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(b)
}
