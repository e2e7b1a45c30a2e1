// Command dbspace says where the bytes of a bbolt file (the sidecar's
// shop.db, or the built-in provider's file) go: per top-level bucket its
// keys, the bytes of its keys and values, the pages it holds (branch, leaf,
// overflow), how full its leaves are, and the free pages of the file. Run it
// on a stopped sidecar's file or a copy (it takes the file's lock, and
// writes nothing):
//
//	go build -o /tmp/dbspace ./tools/dbspace
//	/tmp/dbspace /tmp/lg17/checkout/shop.db
//	/tmp/dbspace -per orders /tmp/lg17/checkout/shop.db   # bytes per order
//
// docs/benchmarks.md ("Where a checkout's bytes go") has its table after a
// loadgen checkout run.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	bolt "go.etcd.io/bbolt"
)

func main() {
	per := flag.String("per", "orders", "divide the file's bytes by this bucket's number of keys")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: dbspace [-per bucket] FILE")
		os.Exit(2)
	}
	path := flag.Arg(0)
	// Opened for writing (nothing is written): bbolt loads the free list,
	// which this reports, only then.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		log.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		log.Fatal(err)
	}
	rows, err := measure(db)
	if err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	perN := 0
	for _, r := range rows {
		if r.Name == *per {
			perN = r.Keys
		}
	}
	pageSize := int64(db.Info().PageSize)
	fmt.Printf("%s: %d bytes, %d pages of %d bytes\n", path, fi.Size(), fi.Size()/pageSize, pageSize)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "bucket\tkeys\tkey+value bytes\tper key\tleaf pages\toverflow\tbranch pages\tleaf fill\tpage bytes\tshare\tper "+*per+"\t")
	var total int64
	for _, r := range rows {
		total += r.PageBytes
	}
	for _, r := range rows {
		perKey, perOrder := "", ""
		if r.Keys > 0 {
			perKey = fmt.Sprint(r.Data / int64(r.Keys))
		}
		if perN > 0 {
			perOrder = fmt.Sprint(r.PageBytes / int64(perN))
		}
		fill := ""
		if r.LeafAlloc > 0 {
			fill = fmt.Sprintf("%.0f %%", 100*float64(r.LeafInuse)/float64(r.LeafAlloc))
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%d\t%d\t%d\t%s\t%d\t%.1f %%\t%s\t\n", r.Name, r.Keys, r.Data, perKey,
			r.LeafPages, r.Overflow, r.BranchPages, fill, r.PageBytes, 100*float64(r.PageBytes)/float64(fi.Size()), perOrder)
	}
	st := db.Stats()
	free := int64(st.FreePageN+st.PendingPageN) * pageSize
	fmt.Fprintf(w, "free pages\t\t\t\t%d\t\t\t\t%d\t%.1f %%\t\t\n", st.FreePageN+st.PendingPageN, free, 100*float64(free)/float64(fi.Size()))
	var used int64
	db.View(func(tx *bolt.Tx) error { used = tx.Size(); return nil })
	tail := fi.Size() - used
	fmt.Fprintf(w, "not yet used (file grown ahead)\t\t\t\t%d\t\t\t\t%d\t%.1f %%\t\t\n", tail/pageSize, tail, 100*float64(tail)/float64(fi.Size()))
	w.Flush()
	if perN > 0 {
		fmt.Printf("bytes per %s key: file %d, pages in use %d (%d keys)\n", *per, fi.Size()/int64(perN), used/int64(perN), perN)
	}
}

// row is one top-level bucket (its nested buckets included).
type row struct {
	Name                string
	Keys                int
	Data                int64 // bytes of keys and values, nested buckets' included
	LeafPages, Overflow int
	BranchPages         int
	LeafAlloc           int
	LeafInuse           int
	PageBytes           int64 // bytes of the pages it holds
}

func measure(db *bolt.DB) ([]row, error) {
	var rows []row
	err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			s := b.Stats()
			r := row{Name: string(name), Keys: s.KeyN, LeafPages: s.LeafPageN, Overflow: s.LeafOverflowN + s.BranchOverflowN,
				BranchPages: s.BranchPageN, LeafAlloc: s.LeafAlloc, LeafInuse: s.LeafInuse,
				PageBytes: int64(s.BranchAlloc + s.LeafAlloc)}
			r.Data = dataBytes(b)
			rows = append(rows, r)
			return nil
		})
	})
	sort.Slice(rows, func(i, j int) bool { return rows[i].PageBytes > rows[j].PageBytes })
	return rows, err
}

// dataBytes sums the lengths of b's keys and values, nested buckets'
// included.
func dataBytes(b *bolt.Bucket) int64 {
	var n int64
	b.ForEach(func(k, v []byte) error {
		n += int64(len(k) + len(v))
		if v == nil {
			if nb := b.Bucket(k); nb != nil {
				n += dataBytes(nb)
			}
		}
		return nil
	})
	return n
}
