package main

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
)

// The bookshop's categories (slug, Dutch label, English slug and label).
var bookCats = [][4]string{
	{"romans", "Romans", "novels", "Novels"},
	{"poezie", "Poëzie", "poetry", "Poetry"},
	{"geschiedenis", "Geschiedenis", "history", "History"},
	{"kunst", "Kunst", "art", "Art"},
	{"reizen", "Reizen", "travel", "Travel"},
	{"kinderboeken", "Kinderboeken", "childrens-books", "Children's books"},
	{"filosofie", "Filosofie", "philosophy", "Philosophy"},
	{"natuur", "Natuur", "nature", "Nature"},
}

var (
	firstNames = []string{"Anna", "Bram", "Carla", "Daan", "Eva", "Frits", "Greet", "Hugo", "Ilse", "Joost", "Klaas", "Lotte", "Marten", "Nel", "Otto", "Pien", "Rutger", "Saskia", "Teun", "Wies"}
	lastNames  = []string{"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf"}
	adjectives = []string{"stille", "verloren", "blauwe", "late", "koude", "eerste", "laatste", "verre", "donkere", "lichte", "oude", "nieuwe"}
	nouns      = []string{"rivier", "zomer", "stad", "tuin", "brief", "reis", "winter", "kust", "kamer", "haven", "brug", "vallei", "nacht", "storm"}
	publishers = []string{"De Arbeiderspers", "Querido", "Atlas Contact", "De Bezige Bij", "Meulenhoff", "Prometheus", "Lemniscaat", "Nijgh & Van Ditmar"}
	conditions = []string{"Als nieuw", "Zeer goed", "Goed", "Redelijk", "Met gebruikssporen"}
)

// isBooks reports whether gen is the bookshop's generator.
func isBooks(gen func(int) string) bool {
	return reflect.ValueOf(gen).Pointer() == reflect.ValueOf(book).Pointer()
}

// bookCategories replaces the demo shop's categories in data/shop.toml by the
// bookshop's.
func bookCategories(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var cats strings.Builder
	for _, c := range bookCats {
		fmt.Fprintf(&cats, "[[categories]]\nslug_nl = %q\nslug_en = %q\nlabel_nl = %q\nlabel_en = %q\ndescription_nl = \"Tweedehands boeken: %s.\"\ndescription_en = \"Second-hand books: %s.\"\n\n",
			c[0], c[2], c[1], c[3], strings.ToLower(c[1]), strings.ToLower(c[3]))
	}
	re := regexp.MustCompile(`(?s)\[\[categories\]\].*?\n(# Optional|\[facets\])`)
	loc := re.FindSubmatchIndex(b)
	if loc == nil {
		return fmt.Errorf("%s: no [[categories]] to replace", path)
	}
	out := append([]byte{}, b[:loc[0]]...)
	out = append(out, cats.String()...)
	out = append(out, b[loc[2]:]...)
	return os.WriteFile(path, out, 0o644)
}

// book is the front matter and text of the i-th book: a unique title, an
// author, year, condition, publisher and ISBN-13; a third of the books are in
// two categories; nine in ten are a single copy.
func book(i int) string {
	var b strings.Builder
	cat := bookCats[i%len(bookCats)][0]
	cats := fmt.Sprintf("[%q]", cat)
	if i%3 == 0 {
		cats = fmt.Sprintf("[%q, %q]", cat, bookCats[(i/3+1+i)%len(bookCats)][0])
		if (i/3+1+i)%len(bookCats) == i%len(bookCats) {
			cats = fmt.Sprintf("[%q, %q]", cat, bookCats[(i+1)%len(bookCats)][0])
		}
	}
	author := firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames))%len(lastNames)]
	title := fmt.Sprintf("De %s %s (%d)", adjectives[i%len(adjectives)], nouns[(i/len(adjectives))%len(nouns)], i)
	year := 1950 + (i*7)%75
	fmt.Fprintf(&b, "---\ntitle: %q\n", title)
	fmt.Fprintf(&b, "date: 2025-%02d-%02d\n", 1+i%12, 1+i%28) // in the past: Hugo skips future pages
	fmt.Fprintf(&b, "description: \"%s, %d. Tweedehands, %s.\"\n", author, year, strings.ToLower(conditions[i%len(conditions)]))
	fmt.Fprintf(&b, "categories: %s\n", cats)
	fmt.Fprintf(&b, "tags: [%q]\n", strings.ToLower(strings.ReplaceAll(lastNames[(i/len(firstNames))%len(lastNames)], " ", "-")))
	b.WriteString("vat: \"reduced\"\ndelivery_class: \"secondhand-book\"\n")
	fmt.Fprintf(&b, "images:\n  - src: \"foto.jpg\"\n    alt: \"Omslag van %s door %s\"\n", title, author)
	fmt.Fprintf(&b, "specs:\n  Auteur: %q\n  Jaar: \"%d\"\n  Staat: %q\n  Uitgever: %q\n  ISBN: %q\n",
		author, year, conditions[i%len(conditions)], publishers[(i/5)%len(publishers)], isbn13(i))
	fmt.Fprintf(&b, "sku: \"BOEK-%05d\"\nprice: %d.%02d\n", i, 3+(i*37)%58, []int{0, 50, 95}[i%3])
	stock := 1
	if i%10 == 0 {
		stock = 2 + i%4
	}
	fmt.Fprintf(&b, "stock: %d\n---\n\n", stock)
	fmt.Fprintf(&b, "Een tweedehands exemplaar van *%s* door %s, uitgegeven door %s in %d. Staat: %s.\n\nElk boek is gecontroleerd op ontbrekende bladzijden en aantekeningen; wat we vonden staat hierboven.\n",
		title, author, publishers[(i/5)%len(publishers)], year, strings.ToLower(conditions[i%len(conditions)]))
	return b.String()
}

// isbn13 is a valid ISBN-13 (978 prefix, check digit) for book i.
func isbn13(i int) string {
	d := fmt.Sprintf("9789%08d", i)
	sum := 0
	for k, c := range d {
		n := int(c - '0')
		if k%2 == 1 {
			n *= 3
		}
		sum += n
	}
	return fmt.Sprintf("%s%d", d, (10-sum%10)%10)
}
