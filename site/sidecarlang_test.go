package site

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestSidecarLinksCarryLanguage: every link and form on every built page
// (the sidecar's shells too) that leads to the checkout sidecar says the
// page's language, the default language's as well (?lang=nl or a hidden
// lang field): the sidecar otherwise answers in the language of a cookie or
// the browser's Accept-Language, and a customer reading the Dutch site with
// an English browser would cart, check out and pay in English.
func TestSidecarLinksCarryLanguage(t *testing.T) {
	res := buildDemo(t)
	sidecar := func(raw string) (*url.URL, bool) {
		u, err := url.Parse(raw)
		if err != nil || u.Host != "" && u.Host != "shop.example" || !strings.HasPrefix(u.Path, "/") {
			return nil, false
		}
		for _, p := range SidecarPaths {
			if u.Path == p || strings.HasPrefix(u.Path, p+"/") {
				return u, true
			}
		}
		return nil, false
	}
	attr := func(n *html.Node, key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	checked := 0
	err := filepath.WalkDir(res.Dest, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		doc, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		rel, _ := filepath.Rel(res.Dest, path)
		lang := ""
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "html":
					lang, _ = attr(n, "lang")
				case "a", "form":
					key := map[string]string{"a": "href", "form": "action"}[n.Data]
					raw, _ := attr(n, key)
					if u, ok := sidecar(raw); ok {
						checked++
						said := u.Query()["lang"]
						if n.Data == "form" {
							said = append(said, hiddenLangs(n, attr)...)
						}
						if !slices.Equal(said, []string{lang}) {
							t.Errorf("%s (lang %q): <%s %s=%q> says language %v, want %q", rel, lang, n.Data, key, raw, said, lang)
						}
					}
				}
				if raw, ok := attr(n, "data-cart"); ok {
					if u, ok := sidecar(raw); !ok || u.Query().Get("lang") != lang {
						t.Errorf("%s (lang %q): data-cart=%q does not say the page's language", rel, lang, raw)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d links and forms to the sidecar in the built demo; the test looks at the wrong pages", checked)
	}
}

// hiddenLangs are the values of a form's hidden lang fields.
func hiddenLangs(form *html.Node, attr func(*html.Node, string) (string, bool)) []string {
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "input" {
			if name, _ := attr(n, "name"); name == "lang" {
				if typ, _ := attr(n, "type"); typ == "hidden" {
					v, _ := attr(n, "value")
					out = append(out, v)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return out
}
