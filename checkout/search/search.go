// Package search matches a visitor's query against the site's build-time
// search index (search.json per language, written by the theme's
// home.searchindex.json). It is pure: no I/O. The theme's JavaScript
// (assets/js/shop.js, searchMatch) implements the same algorithm so the
// instant answer with JavaScript and the sidecar's /search/ page without it
// list the same pages in the same order.
package search

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Limits on what a stranger can make the matcher do.
const (
	MaxQueryBytes = 200 // longer queries are cut
	MaxTerms      = 8   // further words are ignored
	MaxTermRunes  = 40  // longer words are cut
)

// Doc is one page in the index.
type Doc struct {
	Title string `json:"t"`
	URL   string `json:"u"`
	Kind  string `json:"k"` // product, story, guide, maker
	Desc  string `json:"d"`
	Words string `json:"w"` // the page's searchable text (title, variants, specs, maker, body)
}

// Index is a language's search.json.
type Index struct {
	Lang string `json:"lang"`
	Docs []Doc  `json:"docs"`

	// Filled by Prepare: every distinct word once, with the documents that
	// have it in their title and anywhere, so a query term is compared with
	// each word once however many pages use it.
	vocab          []string
	inTitle, inAll [][]int32
}

// Parse reads a search.json and prepares it for matching.
func Parse(b []byte) (*Index, error) {
	var ix Index
	if err := json.Unmarshal(b, &ix); err != nil {
		return nil, fmt.Errorf("parse search index: %w", err)
	}
	ix.Prepare()
	return &ix, nil
}

// Prepare builds the word lists; call it after changing Docs.
func (ix *Index) Prepare() {
	id := map[string]int{}
	ix.vocab, ix.inTitle, ix.inAll = nil, nil, nil
	add := func(w string, doc int, title bool) {
		i, ok := id[w]
		if !ok {
			i = len(ix.vocab)
			id[w] = i
			ix.vocab = append(ix.vocab, w)
			ix.inTitle = append(ix.inTitle, nil)
			ix.inAll = append(ix.inAll, nil)
		}
		list := &ix.inAll[i]
		if title {
			list = &ix.inTitle[i]
		}
		if n := len(*list); n == 0 || (*list)[n-1] != int32(doc) {
			*list = append(*list, int32(doc))
		}
	}
	for d := range ix.Docs {
		title := Terms(ix.Docs[d].Title, 0)
		for _, w := range title {
			add(w, d, true)
			add(w, d, false)
		}
		for _, w := range Terms(ix.Docs[d].Words, 0) {
			add(w, d, false)
		}
	}
}

// Hit is a matching document and its score.
type Hit struct {
	Doc   *Doc
	Score int
}

// kindRank orders equal scores: products first.
var kindRank = map[string]int{"product": 0, "story": 1, "guide": 2, "maker": 3}

// Search returns up to limit documents that match every term of q, best first.
// A term scores, per document, the best of its words: an exact word 3, a word
// it begins 2, a word within Allowed(term) edits 1; times 3 in the title and
// 2 elsewhere. A document's score is the sum over the terms.
func (ix *Index) Search(q string, limit int) []Hit {
	terms := Terms(q, MaxTerms)
	if len(terms) == 0 || ix == nil || len(ix.Docs) == 0 {
		return nil
	}
	total := make([]int, len(ix.Docs))
	for ti, t := range terms {
		termScore := make([]int, len(ix.Docs))
		for wi, w := range ix.vocab {
			m := Match(t, w)
			if m == 0 {
				continue
			}
			for _, d := range ix.inAll[wi] {
				termScore[d] = max(termScore[d], 2*m)
			}
			for _, d := range ix.inTitle[wi] {
				termScore[d] = max(termScore[d], 3*m)
			}
		}
		for d := range total {
			if termScore[d] == 0 || (ti > 0 && total[d] == 0) {
				total[d] = 0
				continue
			}
			total[d] += termScore[d]
		}
	}
	var hits []Hit
	for d, sc := range total {
		if sc > 0 {
			hits = append(hits, Hit{Doc: &ix.Docs[d], Score: sc})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if ka, kb := kindRank[a.Doc.Kind], kindRank[b.Doc.Kind]; ka != kb {
			return ka < kb
		}
		return a.Doc.Title < b.Doc.Title
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// Match scores a query term t against one word w of a page: 3 the same
// word, 2 a word t begins (t of 2 letters or more), 1 a word within
// Allowed(t) edits, else 0.
func Match(t, w string) int {
	switch {
	case w == t:
		return 3
	case len(t) >= 2 && strings.HasPrefix(w, t):
		return 2
	case Allowed(t) > 0 && Within(t, w, Allowed(t)):
		return 1
	}
	return 0
}

// Allowed is the number of typos tolerated in a term: none below 4 letters,
// one from 4, two from 8.
func Allowed(t string) int {
	n := len([]rune(t))
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// Within reports whether a and b are at most k edits apart (insertions,
// deletions, substitutions and swaps of two neighbours: optimal string
// alignment distance).
func Within(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	return Distance(ra, rb) <= k
}

// Distance is the optimal string alignment distance of a and b.
func Distance(a, b []rune) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// fold maps accented Latin letters to their plain letter, so "ethiopie"
// finds "Ethiopië". The JavaScript has the same table.
var fold = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a',
	'ç': 'c', 'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n',
	'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o', 'ø': 'o',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ý': 'y', 'ÿ': 'y',
}

// Terms splits s into lower-case, accent-folded words of letters and
// digits. limit > 0 keeps at most limit words (and cuts s to MaxQueryBytes
// first); each word is cut to MaxTermRunes.
func Terms(s string, limit int) []string {
	if limit > 0 && len(s) > MaxQueryBytes {
		s = s[:MaxQueryBytes]
	}
	var out []string
	var w []rune
	flush := func() {
		if len(w) > 0 {
			if len(w) > MaxTermRunes {
				w = w[:MaxTermRunes]
			}
			out = append(out, string(w))
			w = w[:0]
		}
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			if limit > 0 && len(out) >= limit {
				return out
			}
			continue
		}
		r = unicode.ToLower(r)
		if f, ok := fold[r]; ok {
			r = f
		}
		w = append(w, r)
	}
	flush()
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
