package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/storefront/storefront/checkout/store"
)

// opsSettings are the operations settings of `shop checkout`.
type opsSettings struct {
	metricsAddr  string
	alertEmail   string
	backupEvery  time.Duration
	checkMaxSize int64
}

func opsFromEnv() (opsSettings, error) {
	var o opsSettings
	var errs []string
	o.metricsAddr = os.Getenv("SHOP_METRICS_ADDR")
	if o.metricsAddr != "" {
		if _, _, err := net.SplitHostPort(o.metricsAddr); err != nil {
			errs = append(errs, fmt.Sprintf("SHOP_METRICS_ADDR=%q is not host:port, e.g. 127.0.0.1:9101", o.metricsAddr))
		}
	}
	if v := os.Getenv("SHOP_ALERT_EMAIL"); v != "" {
		a, err := mail.ParseAddress(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("SHOP_ALERT_EMAIL=%q is not an e-mail address", v))
		} else {
			o.alertEmail = a.Address
		}
	}
	if v := os.Getenv("SHOP_BACKUP_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Sprintf("SHOP_BACKUP_EVERY=%q is not a duration like 24h", v))
		}
		o.backupEvery = d
	}
	if v := os.Getenv("SHOP_CHECK_MAX_SIZE"); v != "" {
		n, err := parseSize(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("SHOP_CHECK_MAX_SIZE=%q is not a size like 4GB or 500MB, or always", v))
		}
		o.checkMaxSize = n
	}
	if len(errs) > 0 {
		return o, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return o, nil
}

// parseSize reads 500MB, 4GB, 1048576 or "always" (-1: check every file).
func parseSize(v string) (int64, error) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "ALWAYS" {
		return -1, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", v)
	}
	return n * mult, nil
}

// serveMetrics serves h on addr (its own listener, e.g. localhost only or
// a private network) until the returned stop is called.
func serveMetrics(addr string, h http.Handler, served chan<- error) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w (SHOP_METRICS_ADDR)", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			served <- fmt.Errorf("metrics: %w", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// CheckFile is `shop checkout --check FILE`: checks a database file or a
// backup offline and says what it found in plain words. The error (exit
// status 1) says what is wrong and what to do.
func CheckFile(w io.Writer, path string) error {
	rep, err := store.VerifyFile(path)
	if err != nil {
		return fmt.Errorf("NOT OK: %w", err)
	}
	fmt.Fprintf(w, "OK: %s is a sound database: %d bytes, every page checked, %d orders and %d queued e-mails readable.\n",
		path, rep.Size, rep.Orders, rep.Mails)
	return nil
}
