// Command genshop writes a large generated shop for benchmarks: N products
// (Dutch, as page bundles with one photo each, a third with variants) in the
// demo shop's categories, with the demo shop's hugo.toml and data/.
//
//	go run ./tools/genshop -n 10000 -o /tmp/shop10k
//	shop build -s /tmp/shop10k
//
// With -mode books it writes a second-hand bookshop instead (issue 17): N unique
// books with author, year, condition, publisher and ISBN, one photo each, in eight
// book categories (a third of them in two), most a single copy (stock 1).
//
//	go run ./tools/genshop -mode books -n 20000 -o /tmp/books20k
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

func main() {
	n := flag.Int("n", 10000, "number of products")
	out := flag.String("o", "", "output folder (must not exist or be empty)")
	from := flag.String("from", ".", "the storefront repository (its hugo.toml, data/ and themes/ are used)")
	mode := flag.String("mode", "shop", "shop (the demo's categories) or books (a second-hand bookshop)")
	flag.Parse()
	if *out == "" {
		log.Fatal("genshop: give an output folder with -o")
	}
	gen := product
	switch *mode {
	case "shop":
	case "books":
		gen = book
	default:
		log.Fatalf("genshop: -mode must be shop or books, got %q", *mode)
	}
	if err := generate(*from, *out, *n, gen); err != nil {
		log.Fatalf("genshop: %v", err)
	}
	fmt.Printf("wrote %d products to %s\n", *n, *out)
}

var categories = []string{"koffie", "zetmateriaal", "servies", "boeken"}
var tags = []string{"filter", "espresso", "beginner", "cadeau", "biologisch", "handgemaakt", "tweedehands", "ethiopie", "colombia", "kenia"}
var origins = []string{"Ethiopië", "Colombia", "Kenia", "Brazilië", "Guatemala", "Peru"}
var materials = []string{"Keramiek", "Glas", "Staal", "Porselein", "Hout"}

const body = `Een gegenereerd product voor de benchmark. De tekst is lang genoeg om op een echte productbeschrijving te lijken: waar het vandaan komt, hoe het gemaakt wordt, voor wie het bedoeld is en waarom het goed is. Zo meet de build hetzelfde werk als bij een echte winkel, met Markdown, **nadruk** en een [link naar de levering](/levering/).

Een tweede alinea met praktische informatie over gebruik en onderhoud, zodat de pagina een realistische lengte heeft.
`

func generate(from, out string, n int, gen func(int) string) error {
	cfg, err := os.ReadFile(filepath.Join(from, "hugo.toml"))
	if err != nil {
		return err
	}
	themes, err := filepath.Abs(filepath.Join(from, "themes"))
	if err != nil {
		return err
	}
	cfg = regexp.MustCompile(`(?m)^theme = .*$`).ReplaceAll(cfg, []byte(fmt.Sprintf("theme = \"storefront\"\nthemesDir = %q", themes)))
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "hugo.toml"), cfg, 0o644); err != nil {
		return err
	}
	if err := copyDir(filepath.Join(from, "data"), filepath.Join(out, "data")); err != nil {
		return err
	}
	if isBooks(gen) {
		if err := bookCategories(filepath.Join(out, "data", "shop.toml")); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(out, "content"), 0o755); err != nil {
		return err
	}
	terms := map[string]string{
		"levering.md":       "---\ntitle: \"Levering\"\ndescription: \"Hoe en wanneer we leveren, wat verzenden kost en wanneer het gratis is.\"\n---\nWe leveren met PostNL.\n",
		"levering.en.md":    "---\ntitle: \"Delivery\"\nslug: \"delivery\"\ndescription: \"How and when we deliver, what shipping costs and when it is free.\"\n---\nWe deliver with PostNL.\n",
		"retourneren.md":    "---\ntitle: \"Retourneren\"\ndescription: \"Niet tevreden? Stuur het binnen dertig dagen gratis terug, zonder gedoe.\"\n---\nStuur het terug.\n",
		"retourneren.en.md": "---\ntitle: \"Returns\"\nslug: \"returns\"\ndescription: \"Not happy? Send it back within thirty days, free of charge and without fuss.\"\n---\nSend it back.\n",
	}
	for name, text := range terms {
		if err := os.WriteFile(filepath.Join(out, "content", name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	photo, err := photoJPEG()
	if err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		dir := filepath.Join(out, "content", "products", fmt.Sprintf("product-%05d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "foto.jpg"), photo, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "index.md"), []byte(gen(i)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func product(i int) string {
	var b strings.Builder
	cat := categories[i%len(categories)]
	fmt.Fprintf(&b, "---\ntitle: \"Product %05d\"\n", i)
	fmt.Fprintf(&b, "date: 2026-%02d-%02d\n", 1+i%12, 1+i%28)
	fmt.Fprintf(&b, "description: \"Gegenereerd product %d in de categorie %s, voor het meten van de build.\"\n", i, cat)
	fmt.Fprintf(&b, "categories: [%q]\n", cat)
	fmt.Fprintf(&b, "tags: [%q, %q]\n", tags[i%len(tags)], tags[(i/7)%len(tags)])
	vat, class := "standard", "standard"
	if cat == "koffie" || cat == "boeken" {
		vat = "reduced"
	}
	if cat == "koffie" {
		class = "roasted-to-order"
	}
	fmt.Fprintf(&b, "vat: %q\ndelivery_class: %q\n", vat, class)
	fmt.Fprintf(&b, "images:\n  - src: \"foto.jpg\"\n    alt: \"Foto van product %d\"\n", i)
	fmt.Fprintf(&b, "specs:\n  Herkomst: %q\n  Materiaal: %q\n  Gewicht: \"%d g\"\n", origins[i%len(origins)], materials[(i/3)%len(materials)], 100+(i%9)*50)
	price := 5 + (i*37)%200
	cents := (i * 13) % 100
	if i%3 == 0 {
		b.WriteString("variants:\n")
		for v, name := range []string{"klein", "groot"} {
			fmt.Fprintf(&b, "  - sku: \"GEN-%05d-%d\"\n    name: %q\n    price: %d.%02d\n", i, v, name, price*(v+1), cents)
		}
	} else {
		fmt.Fprintf(&b, "sku: \"GEN-%05d\"\nprice: %d.%02d\n", i, price, cents)
		if i%2 == 0 {
			fmt.Fprintf(&b, "stock: %d\n", i%40)
		}
	}
	b.WriteString("---\n\n")
	b.WriteString(body)
	return b.String()
}

// photoJPEG draws one small photo; every product has a copy in its bundle.
func photoJPEG() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 400; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 2), uint8(y / 2), 90, 255})
		}
	}
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70})
	return buf.Bytes(), err
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasPrefix(rel, "reviews") {
			return nil // reviews belong to the demo's products
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}
