// Package ids makes the secret ids of records that a stranger's request
// creates (carts, order tokens): unguessable, and sorting in the order they
// were made.
package ids

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
)

// PrefixLen is the length of an id's time prefix.
const PrefixLen = 11

// Sortable returns the time now in PrefixLen lowercase hex digits
// (milliseconds since 1970, zero-padded: they sort as the time does, until
// the year 2527) followed by randomBytes random bytes in base64url. Every
// character is one of base64url's (with 24 random bytes the id is 43
// characters, the length of 32 bytes in base64url, as cart ids were).
//
// Why the prefix: the store keeps carts, order tokens and the indexes keyed
// by them in B+trees on a memory-mapped file. Random keys put each new
// record on its own page anywhere in the tree, so a commit of a hundred
// checkouts rewrites hundreds of pages and, under steady load, nearly every
// page of those trees is read again within a second: the process's RSS
// grows with the number of orders ever taken (docs/benchmarks.md, issue
// 17). Keys made later sort after earlier ones and are written at the end
// of the tree, on the same few pages. The random part alone is the secret.
func Sortable(now time.Time, randomBytes int) string {
	b := make([]byte, randomBytes)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("ids: crypto/rand: %v", err)) // never fails on Linux
	}
	ms := now.UnixMilli()
	if ms < 0 {
		ms = 0
	}
	return fmt.Sprintf("%0*x", PrefixLen, ms) + base64.RawURLEncoding.EncodeToString(b)
}
