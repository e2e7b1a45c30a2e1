package store

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storefront/storefront/checkout/store/filecheck"
)

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
	res, err := filecheck.CheckFile(path, filecheck.CheckOptions{MaxSize: -1})
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
		return rep, fmt.Errorf("check %s: %w: %d record(s) do not decode: %s", path, filecheck.ErrCorrupt, len(rep.Undecodable), strings.Join(first(rep.Undecodable, 10), ", "))
	}
	return rep, nil
}

func first(xs []string, n int) []string {
	if len(xs) > n {
		return xs[:n]
	}
	return xs
}
