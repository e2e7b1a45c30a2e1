// Package filecheck checks a bbolt file of the sidecar on its path, before
// it is opened for writing (store.Open, the built-in provider's file) or
// when a backup is verified: a file cut short (ErrTruncated), pages that do
// not hang together (ErrCorrupt), each with the steps to restore. It also
// holds the bbolt options those files are opened with. It knows nothing of
// the buckets in them (store.VerifyFile decodes the records).
package filecheck

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrInUse is a database file another process holds open.
var ErrInUse = errors.New("database file is in use by another process")

// ErrCorrupt is a database file whose structure bbolt's consistency check
// (tx.Check) finds broken: pages overwritten, lost or pointing nowhere.
var ErrCorrupt = errors.New("database file is damaged")

// DefaultCheckMaxSize is the largest file CheckFile checks page by page by
// default; a larger one is only checked for truncation. The full check
// reads every page: 0.4 s for a 540 MB file in the page cache on one CPU
// (docs/reliability.md); from a cold disk, the disk's read speed.
const DefaultCheckMaxSize = 1 << 30

// CheckOptions tune CheckFile.
type CheckOptions struct {
	// MaxSize: files larger than this skip the page-by-page consistency
	// check (only the truncation check runs). 0 means DefaultCheckMaxSize;
	// negative always checks.
	MaxSize int64
	// Timeout waits for the file lock (default 1s).
	Timeout time.Duration
}

// CheckResult says what CheckFile did.
type CheckResult struct {
	Size    int64 // bytes
	Checked bool  // the consistency check ran (false: skipped for size, or a new file)
}

// restoreSteps is what an owner does with a damaged file (docs/checkout.md, "Backups and restore").
const restoreSteps = "stop the sidecar, move this file aside for inspection, copy your newest backup in its place " +
	"(check it first with `shop checkout --check BACKUP`), and start again; see \"Backups and restore\" in docs/checkout.md"

// CheckFile checks a bbolt file before it is opened for writing: the order
// database, the built-in provider's file, or a backup. It refuses a file cut
// short (ErrTruncated) and one whose pages do not hang together (ErrCorrupt),
// each with the steps to restore. A missing or empty file passes (a new
// database). The file is opened read-only and closed again; a fault while
// reading it (a page past the end, garbage where a page should be) becomes
// an error, not a crash.
func CheckFile(path string, opts CheckOptions) (res CheckResult, err error) {
	if err := checkSize(path); err != nil {
		return res, err
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return res, nil
	} else if err != nil {
		return res, fmt.Errorf("check database %s: %w", path, err)
	}
	res.Size = fi.Size()
	if fi.Size() == 0 {
		return res, nil
	}
	max := opts.MaxSize
	if max == 0 {
		max = DefaultCheckMaxSize
	}
	if max > 0 && fi.Size() > max {
		return res, nil
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	problems, err := consistency(path, opts.Timeout)
	if err != nil {
		return res, err
	}
	res.Checked = true
	if len(problems) > 0 {
		more := ""
		if len(problems) > 5 {
			more = fmt.Sprintf(" (and %d more)", len(problems)-5)
			problems = problems[:5]
		}
		return res, fmt.Errorf("check database %s: %w: %s%s: %s", path, ErrCorrupt, strings.Join(problems, "; "), more, restoreSteps)
	}
	return res, nil
}

// consistency opens path read-only and runs tx.Check; it returns the
// problems found. A fault or panic while doing so is a problem too.
func consistency(path string, timeout time.Duration) (problems []string, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true)) // a bad mapping: panic, not SIGBUS
	defer func() {
		if p := recover(); p != nil {
			problems = append(problems, fmt.Sprintf("unreadable: %v", p))
		}
	}()
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("check database %s: %w (is a sidecar running on it? check a backup instead)", path, ErrInUse)
	}
	if err != nil {
		return []string{err.Error()}, nil
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			if len(problems) < 100 {
				problems = append(problems, e.Error())
			}
		}
		return nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	return problems, nil
}

// BoltOptions are the bbolt options of the sidecar's files (the order
// database and the built-in provider's): the free list kept as a map, which
// allocates in constant time however fragmented the file is (the array form
// scans it on every commit).
func BoltOptions(timeout time.Duration) *bolt.Options {
	return &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType}
}

// ErrTruncated is a database file shorter than its own pages say: an
// interrupted copy or restore, or a full disk.
var ErrTruncated = errors.New("database file is truncated")

// checkSize refuses a file cut short, before bbolt opens it. bbolt trusts
// the meta page, which says how many pages the database has; a file with
// fewer either panics in bolt.Open (the freelist page is missing) or opens
// and crashes the process (SIGSEGV) at the first read past its end. The
// meta pages are read here as bbolt reads them (page header, then magic,
// version, page size, flags, root, freelist, page count, txid, checksum;
// native byte order); the newer valid one counts. A missing or empty file
// (a new database) and one without a valid meta page (bolt.Open says what is
// wrong with it) pass.
func checkSize(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	if fi.Size() == 0 {
		return nil
	}
	var want int64
	var txid uint64
	pageSize := int64(0)
	for i := int64(0); i < 2; i++ {
		buf := make([]byte, 16+64)
		if _, err := f.ReadAt(buf, i*pageSize); err != nil {
			break // a file too short for this meta page
		}
		m := buf[16:]
		ne := binary.NativeEndian
		h := fnv.New64a()
		h.Write(m[:56])
		if ne.Uint32(m[0:]) != 0xED0CDAED || ne.Uint32(m[4:]) != 2 || h.Sum64() != ne.Uint64(m[56:]) {
			if i == 0 {
				pageSize = int64(os.Getpagesize()) // bbolt looks for the second meta there too
			}
			continue
		}
		ps := int64(ne.Uint32(m[8:]))
		if i == 0 {
			pageSize = ps
		}
		if t := ne.Uint64(m[48:]); want == 0 || t > txid {
			txid, want = t, int64(ne.Uint64(m[40:]))*ps
		}
		if pageSize == 0 {
			break
		}
	}
	if fi.Size() < want {
		return fmt.Errorf("open database %s: %w (%d of %d bytes): %s",
			path, ErrTruncated, fi.Size(), want, restoreSteps)
	}
	return nil
}
