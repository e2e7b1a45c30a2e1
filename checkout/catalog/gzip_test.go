package catalog

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// gzipServer serves body as catalog.json the way a CDN does: gzip-compressed
// when the request accepts it (Content-Encoding: gzip), plain otherwise, and
// counts the compressed answers.
func gzipServer(t testing.TB, body []byte, gzipped *int) *httptest.Server {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(body)
	zw.Close()
	z := buf.Bytes()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/catalog.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			*gzipped++
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(z)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestURLSourceGzip: the sidecar's URL source asks for gzip (a 20,000-SKU
// catalog.json is about 7 MB, 0.5 MB gzipped), unpacks it, and applies its
// size limit to the unpacked bytes, so a small compressed answer cannot
// blow up in memory.
func TestURLSourceGzip(t *testing.T) {
	body := bigCatalogJSON(t, 2000)
	var gzipped int
	srv := gzipServer(t, body, &gzipped)
	s := newSource(srv.URL+"/catalog.json", Options{})
	if err := s.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if gzipped != 1 {
		t.Fatalf("the catalog was fetched without Accept-Encoding: gzip (%d compressed answers)", gzipped)
	}
	if _, ok := s.Current().Lookup("SKU-01999"); !ok {
		t.Fatal("the unpacked catalog lacks SKU-01999")
	}
	small := newSource(srv.URL+"/catalog.json", Options{MaxBytes: int64(len(body) - 1)})
	err := small.Reload(context.Background())
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a catalog that unpacks to %d bytes loaded under a %d byte limit: %v", len(body), len(body)-1, err)
	}
}

// BenchmarkReload20k: one reload of a 20,000-SKU catalog from a URL that
// serves it gzipped (as a CDN does), with its sizes and the heap the loaded
// catalog keeps.
//
//	go test ./checkout/catalog -run '^$' -bench Reload20k -benchtime 5x
func BenchmarkReload20k(b *testing.B) {
	body := bigCatalogJSON(b, 20000)
	var gzipped int
	srv := gzipServer(b, body, &gzipped)
	s := newSource(srv.URL+"/catalog.json", Options{Client: &http.Client{Timeout: time.Minute}})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Reload(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(body)
	zw.Close()
	b.ReportMetric(float64(len(body))/(1<<20), "MB-json")
	b.ReportMetric(float64(buf.Len())/(1<<20), "MB-gzip")
	b.ReportMetric(float64(retained(body))/(1<<20), "MB-retained")
}
