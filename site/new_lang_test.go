package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storefront/storefront/doctor"
)

// `shop new product` writes its comments in the site's language, and `shop
// doctor` catches the instruction text left in the new page.
func TestNewProductSpeaksTheEditorsLanguage(t *testing.T) {
	for _, c := range []struct {
		lang, says, notSays string
	}{
		{"nl", "Vul elk veld in", "Fill in every field"},
		{"en", "Fill in every field", "Vul elk veld in"},
	} {
		dir := copySite(t, filepath.Join("..", "testdata", "site"))
		if c.lang != "nl" {
			editFile(t, filepath.Join(dir, "hugo.toml"), `defaultContentLanguage = "nl"`, `defaultContentLanguage = "`+c.lang+`"`)
		}
		if _, err := New(dir, "product", "nieuw"); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "content", "products", "nieuw", "index.md"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), c.says) || strings.Contains(string(b), c.notSays) {
			t.Errorf("%s site: new product does not speak %s:\n%s", c.lang, c.lang, b)
		}
		s, err := doctor.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range doctor.Check(s) {
			if f.File == "content/products/nieuw/index.md" && strings.HasPrefix(f.Field, "body (line") && strings.Contains(f.Message, "instruction text") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s site: doctor does not report the instruction text in the new product", c.lang)
		}
	}
}
