package site

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// merchantItem is one <item> of Google Merchant Center's RSS feed.
type merchantItem struct {
	ID               string `xml:"http://base.google.com/ns/1.0 id"`
	Title            string `xml:"http://base.google.com/ns/1.0 title"`
	Description      string `xml:"http://base.google.com/ns/1.0 description"`
	Link             string `xml:"http://base.google.com/ns/1.0 link"`
	ImageLink        string `xml:"http://base.google.com/ns/1.0 image_link"`
	Price            string `xml:"http://base.google.com/ns/1.0 price"`
	Availability     string `xml:"http://base.google.com/ns/1.0 availability"`
	Brand            string `xml:"http://base.google.com/ns/1.0 brand"`
	Condition        string `xml:"http://base.google.com/ns/1.0 condition"`
	GTIN             string `xml:"http://base.google.com/ns/1.0 gtin"`
	IdentifierExists string `xml:"http://base.google.com/ns/1.0 identifier_exists"`
	ItemGroupID      string `xml:"http://base.google.com/ns/1.0 item_group_id"`
	Shipping         []struct {
		Country string `xml:"http://base.google.com/ns/1.0 country"`
		Price   string `xml:"http://base.google.com/ns/1.0 price"`
	} `xml:"http://base.google.com/ns/1.0 shipping"`
}

var priceRe = regexp.MustCompile(`^\d+\.\d\d [A-Z]{3}$`)

// The Merchant feed of each language lists every SKU of catalog.json once,
// with every field Merchant Center requires, the catalog's price, and the
// product group for variants.
func TestMerchantFeed(t *testing.T) {
	res := buildDemo(t)
	c := readCatalog(t, res.Dest)
	want := map[string]int{} // sku -> cents
	variants := map[string]int{}
	gift := map[string]bool{} // gift cards go by e-mail: shipping 0.00
	for _, it := range c.Items {
		want[it.SKU] = it.Price
		variants[it.Product]++
		if it.GiftCard {
			gift[it.SKU] = true
		}
	}
	if len(gift) == 0 {
		t.Fatal("the demo sells no gift card: nothing to check")
	}
	for _, feed := range []string{"feeds/merchant.xml", "en/feeds/merchant.xml"} {
		b, err := os.ReadFile(filepath.Join(res.Dest, filepath.FromSlash(feed)))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Items []merchantItem `xml:"channel>item"`
		}
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s is not XML: %v", feed, err)
		}
		if len(doc.Items) != len(want) {
			t.Errorf("%s has %d items, catalog.json %d SKUs", feed, len(doc.Items), len(want))
		}
		seen := map[string]bool{}
		for _, it := range doc.Items {
			where := feed + " item " + it.ID
			if seen[it.ID] {
				t.Errorf("%s: id twice", where)
			}
			seen[it.ID] = true
			cents, ok := want[it.ID]
			if !ok {
				t.Errorf("%s: not in catalog.json", where)
				continue
			}
			for name, v := range map[string]string{"title": it.Title, "description": it.Description, "link": it.Link,
				"image_link": it.ImageLink, "brand": it.Brand} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: no %s", where, name)
				}
			}
			if !strings.HasPrefix(it.Link, "https://shop.example/") || !strings.HasPrefix(it.ImageLink, "https://shop.example/") {
				t.Errorf("%s: link %q / image_link %q are not absolute", where, it.Link, it.ImageLink)
			}
			if strings.HasPrefix(feed, "en/") != strings.HasPrefix(it.Link, "https://shop.example/en/") {
				t.Errorf("%s: link %q is not in the feed's language", where, it.Link)
			}
			if p := fmt.Sprintf("%d.%02d %s", cents/100, cents%100, c.Currency); it.Price != p || !priceRe.MatchString(it.Price) {
				t.Errorf("%s: price %q, catalog says %q", where, it.Price, p)
			}
			if it.Availability != "in_stock" && it.Availability != "out_of_stock" {
				t.Errorf("%s: availability %q", where, it.Availability)
			}
			if it.Condition != "new" && it.Condition != "used" {
				t.Errorf("%s: condition %q", where, it.Condition)
			}
			if it.GTIN == "" && it.IdentifierExists != "no" {
				t.Errorf("%s: neither gtin nor identifier_exists=no", where)
			}
			if len(it.Shipping) == 0 {
				t.Errorf("%s: no shipping", where)
			}
			for _, s := range it.Shipping {
				if len(s.Country) != 2 || !priceRe.MatchString(s.Price) || gift[it.ID] && !strings.HasPrefix(s.Price, "0.00 ") {
					t.Errorf("%s: shipping %+v (a gift card goes by e-mail: %v)", where, s, gift[it.ID])
				}
			}
		}
		for _, it := range c.Items {
			if !seen[it.SKU] {
				t.Errorf("%s: SKU %s missing", feed, it.SKU)
			}
		}
		groups := map[string]int{}
		for _, it := range doc.Items {
			if it.ItemGroupID != "" {
				groups[it.ItemGroupID]++
			}
		}
		for prod, n := range variants {
			if n > 1 && groups[prod] != n {
				t.Errorf("%s: product %s has %d variants but %d items with item_group_id %q", feed, prod, n, groups[prod], prod)
			}
			if n == 1 && groups[prod] != 0 {
				t.Errorf("%s: product %s has one SKU but an item_group_id", feed, prod)
			}
		}
	}
}

// Every offer on a product page carries shippingDetails for each country
// shipped to and the return policy of data/returns.toml.
func TestJSONLDShippingAndReturns(t *testing.T) {
	res := buildDemo(t)
	c := readCatalog(t, res.Dest)
	done := map[string]bool{}
	for _, it := range c.Items {
		if done[it.URL] {
			continue
		}
		done[it.URL] = true
		html, err := os.ReadFile(filepath.Join(res.Dest, filepath.FromSlash(it.URL), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		offers, ok := productOffers(t, html)
		if !ok {
			t.Errorf("%s: no Product JSON-LD", it.URL)
			continue
		}
		nodes := ldNodes(t, html)
		resolve := func(v any) map[string]any { // a node, or a reference to one by @id
			m, _ := v.(map[string]any)
			if id, ok := m["@id"].(string); ok && len(m) == 1 {
				if nodes[id] == nil {
					t.Errorf("%s: @id %s refers to no node of the page", it.URL, id)
				}
				return nodes[id]
			}
			return m
		}
		for sku, o := range offers {
			ship, _ := o["shippingDetails"].([]any)
			countries := map[string]bool{}
			for _, s := range ship {
				sm := resolve(s)
				dest, _ := sm["shippingDestination"].(map[string]any)
				cc, _ := dest["addressCountry"].(string)
				countries[cc] = true
				rate, _ := sm["shippingRate"].(map[string]any)
				if rate["currency"] != c.Currency || rate["value"] == nil || it.GiftCard && rate["value"] != "0.00" {
					t.Errorf("%s %s: shippingRate %v (a gift card goes by e-mail: %v)", it.URL, sku, rate, it.GiftCard)
				}
				if _, ok := sm["deliveryTime"].(map[string]any)["transitTime"]; !ok {
					t.Errorf("%s %s: no transitTime", it.URL, sku)
				}
			}
			if !countries["NL"] || !countries["BE"] {
				t.Errorf("%s %s: shippingDetails for %v, want NL and BE", it.URL, sku, countries)
			}
			rp := resolve(o["hasMerchantReturnPolicy"])
			if rp["merchantReturnDays"] != float64(30) || rp["returnFees"] != "https://schema.org/FreeReturn" {
				t.Errorf("%s %s: hasMerchantReturnPolicy %v, want 30 days and free returns (data/returns.toml)", it.URL, sku, rp)
			}
		}
	}
}

// ldNodes maps the @id of every node in a page's JSON-LD graphs to the node.
func ldNodes(t *testing.T, html []byte) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, m := range ldRe.FindAllSubmatch(html, -1) {
		var doc map[string]any
		if err := json.Unmarshal(m[1], &doc); err != nil {
			t.Errorf("JSON-LD does not parse: %v", err)
			continue
		}
		g, _ := doc["@graph"].([]any)
		for _, n := range g {
			if nm, ok := n.(map[string]any); ok {
				if id, ok := nm["@id"].(string); ok {
					out[id] = nm
				}
			}
		}
	}
	return out
}
