package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/storefront/storefront/checkout/store"
)

// boltMagic is at byte 16 of a bbolt file's first meta page (little endian 0xED0CDAED).
var boltMagic = []byte{0xED, 0xDA, 0x0C, 0xED}

// Backup is `shop backup -o FILE`: a consistent hot copy of the order
// database, streamed by the running sidecar from one read transaction.
func Backup(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("o", "", "write the copy to this file (required)")
	adminURL := fs.String("url", os.Getenv("SHOP_ADMIN_URL"), "the sidecar's address (SHOP_ADMIN_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("shop backup: say where to write the copy with -o FILE, e.g. -o shop-" + time.Now().Format("2006-01-02") + ".db")
	}
	c, err := newAdminClient(*adminURL)
	if err != nil {
		return err
	}
	client := &http.Client{} // no overall timeout: a large database takes a while
	req, err := c.request(http.MethodGet, "/api/admin/backup", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("reach the sidecar at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		return answerError(resp.StatusCode, raw)
	}

	tmp, err := os.CreateTemp(filepath.Dir(*out), ".shop-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("got %d of %d bytes", n, resp.ContentLength)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", *out, err)
	}
	if err := checkBolt(tmp.Name()); err != nil {
		return fmt.Errorf("backup to %s: %w", *out, err)
	}
	// Open the copy read-only and check every page and record: a backup
	// is only a backup when it can be restored.
	rep, err := store.VerifyFile(tmp.Name())
	if err != nil {
		return fmt.Errorf("backup to %s: the copy does not pass the check, nothing written: %w", *out, err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(os.Stderr, "backup written to %s (%d bytes) and verified: every page checked, %d orders and %d queued e-mails readable\n",
		*out, n, rep.Orders, rep.Mails)
	// Tell the sidecar, which alerts the owner when backups stop (SHOP_BACKUP_EVERY).
	if _, err := c.do(http.MethodPost, "/api/admin/backup/verified", map[string]int64{"bytes": n}, nil); err != nil {
		fmt.Fprintf(os.Stderr, "the sidecar was not told about this backup (%v); its \"no backup\" alert may fire\n", err)
	}
	return nil
}

func checkBolt(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 20)
	if _, err := io.ReadFull(f, head); err != nil {
		return fmt.Errorf("the copy is too short to be a database: %w", err)
	}
	if !bytes.Equal(head[16:20], boltMagic) {
		return errors.New("the copy is not a bbolt database file")
	}
	return nil
}
