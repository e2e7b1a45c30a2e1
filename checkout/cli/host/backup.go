package host

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/storefront/storefront/checkout/cli"
	"github.com/storefront/storefront/checkout/store"
)

// boltMagic is at byte 16 of a bbolt file's first meta page (little endian 0xED0CDAED).
var boltMagic = []byte{0xED, 0xDA, 0x0C, 0xED}

// Backup is `shop backup -o FILE`: a consistent hot copy of the order
// database, streamed by the running sidecar from one read transaction.
// With -compact the copy is written without the file's free pages, for a
// restore that shrinks shop.db.
func Backup(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("o", "", "write the copy to this file (required)")
	compact := fs.Bool("compact", false, "write the copy compacted (no free pages): restore it to shrink shop.db")
	adminURL := fs.String("url", os.Getenv("SHOP_ADMIN_URL"), "the sidecar's address (SHOP_ADMIN_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("shop backup: say where to write the copy with -o FILE, e.g. -o shop-" + time.Now().Format("2006-01-02") + ".db")
	}
	resp, err := cli.AdminGet(*adminURL, "/api/admin/backup")
	if err != nil {
		return err
	}
	defer resp.Body.Close()

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
	final := tmp.Name()
	if *compact {
		if final, n, err = compactCopy(tmp.Name(), rep); err != nil {
			return fmt.Errorf("backup to %s: %w", *out, err)
		}
		defer os.Remove(final)
	}
	if err := os.Rename(final, *out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(os.Stderr, "backup written to %s (%d bytes) and verified: every page checked, %d orders and %d queued e-mails readable\n",
		*out, n, rep.Orders, rep.Mails)
	// Tell the sidecar, which alerts the owner when backups stop (SHOP_BACKUP_EVERY).
	if err := cli.AdminPost(*adminURL, "/api/admin/backup/verified", map[string]int64{"bytes": n}, nil); err != nil {
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

// compactCopy writes a compacted copy of the verified backup next to it and
// checks it the same way; it must hold the same orders and e-mails.
func compactCopy(path string, was store.FileReport) (string, int64, error) {
	dst := path + ".compact"
	before, after, err := store.CompactFile(path, dst)
	if err != nil {
		return "", 0, err
	}
	rep, err := store.VerifyFile(dst)
	if err == nil && (rep.Orders != was.Orders || rep.Mails != was.Mails) {
		err = fmt.Errorf("the compacted copy holds %d orders and %d e-mails, the copy %d and %d", rep.Orders, rep.Mails, was.Orders, was.Mails)
	}
	if err != nil {
		os.Remove(dst)
		return "", 0, fmt.Errorf("the compacted copy does not pass the check, nothing written: %w", err)
	}
	fmt.Fprintf(os.Stderr, "compacted: %d bytes (the copy as the sidecar holds it: %d)\n", after, before)
	return dst, after, nil
}
