package store

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

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

// FileReport is what VerifyFile found.
type FileReport struct {
	Size        int64
	Orders      int
	Mails       int
	Undecodable []string // bucket/key of records that do not decode
}

// VerifyFile checks a database file or a backup offline, fully: the
// truncation and consistency checks of CheckFile whatever the size, then
// every order and queued mail decoded. A file with undecodable records is
// returned with them listed and ErrCorrupt.
func VerifyFile(path string) (FileReport, error) {
	var rep FileReport
	fi, err := os.Stat(path)
	if err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	if fi.Size() == 0 {
		return rep, fmt.Errorf("check %s: the file is empty, not a database", path)
	}
	res, err := CheckFile(path, CheckOptions{MaxSize: -1})
	rep.Size = res.Size
	if err != nil {
		return rep, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		for _, b := range []struct {
			name []byte
			n    *int
			v    func() any
		}{
			{bucketOrders, &rep.Orders, func() any { return new(map[string]any) }},
			{bucketMail, &rep.Mails, func() any { return new(Mail) }},
		} {
			bk := tx.Bucket(b.name)
			if bk == nil {
				continue // the built-in provider's file has neither
			}
			err := bk.ForEach(func(k, v []byte) error {
				if err := decodeRecord(v, b.v()); err != nil {
					rep.Undecodable = append(rep.Undecodable, string(b.name)+"/"+printableKey(k))
					return nil
				}
				*b.n++
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("check %s: %w", path, err)
	}
	if len(rep.Undecodable) > 0 {
		return rep, fmt.Errorf("check %s: %w: %d record(s) do not decode: %s", path, ErrCorrupt, len(rep.Undecodable), strings.Join(first(rep.Undecodable, 10), ", "))
	}
	return rep, nil
}

func first(xs []string, n int) []string {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}
