package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/net/html"
)

var (
	specsMu    sync.Mutex
	specsCache = map[string]map[string]string{}
)

// productSpecs reads the specs table of a product page as served (the rows
// of table.specs: th is the key, td the value). It is the ground truth the
// spec filter is checked against.
func productSpecs(h *harness, path string) (map[string]string, error) {
	specsMu.Lock()
	defer specsMu.Unlock()
	if s, ok := specsCache[path]; ok {
		return s, nil
	}
	resp, err := http.Get(h.base + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	doc, err := html.Parse(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	specs := map[string]string{}
	var inSpecs func(n *html.Node, on bool)
	inSpecs = func(n *html.Node, on bool) {
		if n.Type == html.ElementNode && n.Data == "table" && hasClass(n, "specs") {
			on = true
		}
		if on && n.Type == html.ElementNode && n.Data == "tr" {
			var k, v string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				switch {
				case c.Type == html.ElementNode && c.Data == "th":
					k = strings.TrimSpace(textOf(c))
				case c.Type == html.ElementNode && c.Data == "td":
					v = strings.TrimSpace(textOf(c))
				}
			}
			if k != "" {
				specs[k] = v
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			inSpecs(c, on)
		}
	}
	inSpecs(doc, false)
	specsCache[path] = specs
	return specs, nil
}

func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" {
			for _, c := range strings.Fields(a.Val) {
				if c == class {
					return true
				}
			}
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
