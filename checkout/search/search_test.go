package search

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestTerms(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"Ethiopië Guji", "ethiopie guji"},
		{"  V60-filter, 250 g ", "v60 filter 250 g"},
		{"Café crème", "cafe creme"},
		{"", ""},
		{"!!!", ""},
	} {
		if got := strings.Join(Terms(c.in, 0), " "); got != c.want {
			t.Errorf("Terms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if n := len(Terms(strings.Repeat("a ", 50), 0)); n != 50 {
		t.Errorf("no limit: %d terms", n)
	}
	if n := len(Terms(strings.Repeat("a ", 50), MaxTerms)); n != MaxTerms {
		t.Errorf("limit: %d terms, want %d", n, MaxTerms)
	}
	if w := Terms(strings.Repeat("x", 100), 0)[0]; len(w) != MaxTermRunes {
		t.Errorf("long word kept %d runes", len(w))
	}
}

func TestWithin(t *testing.T) {
	for _, c := range []struct {
		a, b string
		k    int
		want bool
	}{
		{"ethopie", "ethiopie", 1, true},   // a letter left out
		{"etihopie", "ethiopie", 1, true},  // two letters swapped
		{"etheopie", "ethiopie", 1, true},  // a letter wrong
		{"ethiiopie", "ethiopie", 1, true}, // a letter too many
		{"etopie", "ethiopie", 1, false},   // two left out
		{"etopie", "ethiopie", 2, true},
		{"kenia", "kenya", 1, true},
		{"guji", "gujo", 0, false},
		{"", "ab", 2, true},
		{"", "abc", 2, false},
	} {
		if got := Within(c.a, c.b, c.k); got != c.want {
			t.Errorf("Within(%q, %q, %d) = %v, want %v", c.a, c.b, c.k, got, c.want)
		}
	}
}

func TestAllowed(t *testing.T) {
	for in, want := range map[string]int{"v60": 0, "guji": 1, "ethiopie": 2, "kenia": 1, "ië": 0} {
		if got := Allowed(in); got != want {
			t.Errorf("Allowed(%q) = %d, want %d", in, got, want)
		}
	}
}

var demo = Index{Lang: "nl", Docs: []Doc{
	{Title: "Ethiopië Guji", URL: "/producten/ethiopie-guji/", Kind: "product", Words: "250 g bonen Herkomst Ethiopië jasmijn perzik Guji-coöperatie"},
	{Title: "Kenia Nyeri", URL: "/producten/kenia-nyeri/", Kind: "product", Words: "zwarte bes Herkomst Kenia"},
	{Title: "Oogst in Guji", URL: "/verhalen/oogst-in-guji/", Kind: "story", Words: "De kersen worden met de hand geplukt op de hellingen"},
	{Title: "De V60", URL: "/gidsen/v60/", Kind: "guide", Words: "filter papier spoelen"},
	{Title: "Guji-coöperatie", URL: "/makers/guji-cooperatie/", Kind: "maker", Words: "wasstation Shakiso"},
}}

func TestSearch(t *testing.T) {
	demo.Prepare()
	for _, c := range []struct {
		q    string
		want []string // URLs, in order
	}{
		{"ethiopie", []string{"/producten/ethiopie-guji/"}},
		{"Ethopie", []string{"/producten/ethiopie-guji/"}},                                                      // typo, no accent
		{"ethio", []string{"/producten/ethiopie-guji/"}},                                                        // prefix
		{"guji", []string{"/producten/ethiopie-guji/", "/verhalen/oogst-in-guji/", "/makers/guji-cooperatie/"}}, // title words before body words; products first
		{"hellingen", []string{"/verhalen/oogst-in-guji/"}},                                                     // a word in a story's body
		{"helingen", []string{"/verhalen/oogst-in-guji/"}},
		{"guji jasmijn", []string{"/producten/ethiopie-guji/"}}, // every term must match
		{"kenya", []string{"/producten/kenia-nyeri/"}},
		{"v60", []string{"/gidsen/v60/"}},
		{"v6", []string{"/gidsen/v60/"}},
		{"v61", nil}, // short words need to be exact or a prefix
		{"", nil},
		{"   ", nil},
		{"xyzzy", nil},
	} {
		var got []string
		for _, h := range demo.Search(c.q, 10) {
			got = append(got, h.Doc.URL)
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("Search(%q) = %v, want %v", c.q, got, c.want)
		}
	}
	if n := len(demo.Search("guji", 1)); n != 1 {
		t.Errorf("limit 1 gave %d hits", n)
	}
}

// Any title is found by itself, by any one letter left out of a word of 5+
// letters, and by its first three letters.
func TestSearchFindsTitlesWithATypo(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		word := rapid.StringMatching(`[a-z]{5,12}`).Draw(t, "word")
		ix := Index{Docs: []Doc{{Title: "Het " + word, URL: "/x/", Kind: "product"}, {Title: "Iets anders", URL: "/y/", Kind: "story"}}}
		ix.Prepare()
		pos := rapid.IntRange(0, len(word)-1).Draw(t, "pos")
		typo := word[:pos] + word[pos+1:] // one letter left out
		for _, q := range []string{word, strings.ToUpper(word), word[:3], typo} {
			hits := ix.Search(q, 5)
			found := false
			for _, h := range hits {
				found = found || h.Doc.URL == "/x/"
			}
			if !found {
				t.Fatalf("Search(%q) did not find %q: %v", q, word, hits)
			}
		}
	})
}

func TestParse(t *testing.T) {
	ix, err := Parse([]byte(`{"lang":"en","docs":[{"t":"Ethiopia Guji","u":"/en/products/ethiopie-guji/","k":"product","d":"Floral","w":"beans"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if h := ix.Search("ethiopa", 5); len(h) != 1 {
		t.Errorf("hits %v", h)
	}
	if _, err := Parse([]byte(`{`)); err == nil {
		t.Error("broken JSON parsed")
	}
}

// BenchmarkSearch is one query with a typo against a shop of 10,000 products
// (about what a busy niche shop has), as the sidecar's /search/ page runs it.
//
//	go test ./checkout/search -run '^$' -bench Search
func BenchmarkSearch(b *testing.B) {
	words := []string{"koffie", "bonen", "filter", "espresso", "ethiopie", "kenia", "colombia", "gewassen", "natuurlijk", "bloemig", "chocolade", "molen", "keramiek", "kop", "schotel", "boek"}
	ix := Index{}
	for i := 0; i < 10000; i++ {
		var w []string
		for j := 0; j < 40; j++ {
			w = append(w, words[(i*7+j*13)%len(words)]+strings.Repeat("x", (i+j)%5))
		}
		ix.Docs = append(ix.Docs, Doc{Title: fmt.Sprintf("Product %d %s", i, words[i%len(words)]), URL: fmt.Sprintf("/p/%d/", i), Kind: "product", Words: strings.Join(w, " ")})
	}
	ix.Prepare()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix.Search("ethopie bonen", 30)
	}
}
