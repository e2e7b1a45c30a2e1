package doctor

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
	"unicode/utf8"
)

// MinBodyChars is the length below which a product description is called short.
const MinBodyChars = 300

// Check runs every check on the site and returns the findings, unsorted.
// It does no I/O: everything it needs is in s.
func Check(s *Site) []Finding {
	var out []Finding
	add := func(sev Severity, file, field, format string, args ...any) {
		out = append(out, Finding{Severity: sev, File: file, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	skus := map[string][]skuUse{} // SKU -> where it is declared (default language only)
	defaultPrices := map[string]map[string]priceAt{}
	for _, p := range s.Pages {
		if e, ok := p.Params["_parseError"]; ok {
			add(Error, p.File, "front matter", "the front matter (the block between --- lines) cannot be read: %s; check indentation and quotes", firstLine(fmt.Sprint(e)))
			continue
		}
		if !p.IsProduct() || p.Lang != s.DefaultLang {
			continue
		}
		uses := checkProduct(s, p, add)
		m := map[string]priceAt{}
		for _, u := range uses {
			if u.sku != "" {
				skus[u.sku] = append(skus[u.sku], u)
			}
			m[u.sku] = priceAt{u.price, u.field}
		}
		defaultPrices[p.Dir()] = m
	}
	for _, p := range s.Pages {
		if _, bad := p.Params["_parseError"]; bad || p.Lang == s.DefaultLang {
			continue
		}
		if p.IsProduct() {
			checkTranslation(s, p, defaultPrices, add)
		}
	}
	for _, p := range s.Pages {
		if _, bad := p.Params["_parseError"]; !bad {
			checkReferences(s, p, add)
		}
	}
	dups := make([]string, 0)
	for sku, uses := range skus {
		if len(uses) > 1 {
			dups = append(dups, sku)
		}
	}
	sort.Strings(dups)
	for _, sku := range dups {
		uses := skus[sku]
		for i, u := range uses {
			other := uses[(i+1)%len(uses)]
			where := other.file
			if other.field != "" {
				where += " (" + other.field + ")"
			}
			add(Error, u.file, dotted(u.field, "sku"), "SKU %q is also used in %s; every article needs its own SKU", sku, where)
		}
	}
	out = append(out, checkLinks(s)...)
	out = append(out, checkTerms(s)...)
	out = append(out, checkVAT(s)...)
	out = append(out, checkShipping(s)...)
	out = append(out, checkCodes(s)...)
	out = append(out, checkWasPrices(s)...)
	out = append(out, checkEditor(s)...)
	out = append(out, checkLegal(s)...)
	out = append(out, checkGiftCardTerm(s)...)
	return out
}

type skuUse struct {
	file, field, sku string
	price            int // cents, 0 when invalid
}

type priceAt struct {
	price int
	field string
}

// productSKUs lists the SKUs a product declares: one at the top, or one per variant.
func productSKUs(p *Page) []skuUse {
	var uses []skuUse
	if vs, ok := p.Param("variants"); ok {
		list, _ := asList(vs)
		for i, v := range list {
			m, _ := asMap(v)
			field := fmt.Sprintf("variants[%d]", i+1)
			sku, _ := lookup(m, "sku")
			price, _ := lookup(m, "price")
			c, _ := parsePrice(price)
			uses = append(uses, skuUse{p.File, field, strings.TrimSpace(fmt.Sprint(orEmpty(sku))), c})
		}
		if len(list) > 0 {
			return uses
		}
	}
	price, _ := p.Param("price")
	c, _ := parsePrice(price)
	return []skuUse{{p.File, "", p.String("sku"), c}}
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func checkProduct(s *Site, p *Page, add func(Severity, string, string, string, ...any)) []skuUse {
	f := p.File
	// Photos.
	imgs, _ := p.Param("images")
	list, _ := asList(imgs)
	if len(list) == 0 {
		add(Error, f, "images", "no photo; add at least one photo to the product folder and list it under images with src and alt")
	}
	for i, it := range list {
		field := fmt.Sprintf("images[%d]", i+1)
		src, alt := imageSrcAlt(it)
		if src == "" {
			add(Error, f, field+".src", "photo %d has no src; write the file name of the photo in the product folder", i+1)
			continue
		}
		if strings.TrimSpace(alt) == "" {
			add(Error, f, field+".alt", "photo '%s' has no alt text; describe what is on the photo for blind visitors", src)
		}
		if !s.imageExists(p, src) {
			add(Error, f, field+".src", "photo '%s' is not in the product folder %s; add the file or correct the name", src, path.Join("content", p.Dir()))
		}
	}
	// Description.
	body := visibleText(p.Body)
	n := utf8.RuneCountInString(body)
	switch {
	case n == 0:
		add(Error, f, "body", "the product has no description; write below the front matter what it is, who it is for and why it is good")
	case n < MinBodyChars:
		add(Warning, f, "body", "the description is short (%d characters); customers decide on the text, aim for at least %d", n, MinBodyChars)
	}
	checkDescription(p, add)
	// Specs.
	specs, _ := p.Param("specs")
	if m, ok := asMap(specs); !ok || len(m) == 0 {
		add(Error, f, "specs", "no specifications; add a specs table (for example weight, material, origin) so customers can compare and filter")
	}
	// Category.
	cats, _ := p.Param("categories")
	catList, _ := asList(cats)
	if c, ok := cats.(string); ok && c != "" {
		catList = []any{c}
	}
	switch {
	case len(catList) == 0:
		add(Error, f, "categories", "no category; choose exactly one of: %s", known(s.Categories))
	case len(catList) > 3:
		add(Error, f, "categories", "%d categories; a product belongs to one to three of: %s (the first is its own)", len(catList), known(s.Categories))
	default:
		for _, v := range catList {
			c := fmt.Sprint(v)
			if s.Categories != nil && !s.Categories[c] {
				add(Error, f, "categories", "unknown category %q; choose one of: %s (data/shop.toml)", c, known(s.Categories))
			}
		}
	}
	// Delivery class and VAT.
	switch dc := p.String("delivery_class"); {
	case dc == "":
		add(Error, f, "delivery_class", "no delivery class; choose one of: %s (data/delivery.toml), it decides the promised delivery date", known(s.DeliveryClasses))
	case s.DeliveryClasses != nil && !s.DeliveryClasses[dc]:
		add(Error, f, "delivery_class", "unknown delivery class %q; choose one of: %s (data/delivery.toml)", dc, known(s.DeliveryClasses))
	}
	switch vat := p.String("vat"); {
	case vat == "":
		add(Error, f, "vat", "no VAT class; choose one of: %s (data/shop.toml)", known(s.VATClasses))
	case s.VATClasses != nil && !s.VATClasses[vat]:
		add(Error, f, "vat", "unknown VAT class %q; choose one of: %s (data/shop.toml)", vat, known(s.VATClasses))
	}
	// Maker.
	if m := p.String("maker"); m != "" && !s.hasPage("makers/"+m) {
		add(Error, f, "maker", "maker %q has no page; add content/makers/%s/index.md or correct the name", m, m)
	}
	// Price and SKU, at the top or per variant.
	uses := productSKUs(p)
	_, hasVariants := p.Param("variants")
	if vs, _ := p.Param("variants"); hasVariants {
		if l, _ := asList(vs); len(l) == 0 {
			add(Error, f, "variants", "variants is empty; list each variant with sku, name and price, or remove variants and set sku and price")
		}
	}
	for i, u := range uses {
		prefix := u.field
		if prefix != "" {
			prefix += "."
		}
		if u.sku == "" {
			add(Error, f, prefix+"sku", "no SKU; every article needs a unique article code so orders can be matched to it")
		}
		var raw any
		var name string
		if u.field == "" {
			raw, _ = p.Param("price")
		} else {
			l, _ := asList(mustParam(p, "variants"))
			m, _ := asMap(l[i])
			raw, _ = lookup(m, "price")
			n, _ := lookup(m, "name")
			name = strings.TrimSpace(fmt.Sprint(orEmpty(n)))
			if name == "" {
				add(Error, f, prefix+"name", "variant %d has no name; customers choose variants by name (for example \"250 g · bonen\")", i+1)
			}
		}
		if _, err := parsePrice(raw); err != nil {
			add(Error, f, prefix+"price", "%s", err)
		}
		if st, ok := stockOf(p, u.field, i); ok {
			if n, isInt := toInt(st); !isInt || n < 0 {
				add(Error, f, prefix+"stock", "stock %v is not a whole number of 0 or more; leave it out if you do not count stock", st)
			}
		}
	}
	checkSubscription(p, uses, add) // subscription.go
	checkGiftCard(s, p, add)        // giftcard.go
	return uses
}

// MinDescriptionChars is the length below which a summary is called short.
const MinDescriptionChars = 50

func checkDescription(p *Page, add func(Severity, string, string, string, ...any)) {
	d := p.String("description")
	switch n := utf8.RuneCountInString(d); {
	case n == 0:
		add(Error, p.File, "description", "no short summary; write one or two sentences, they are shown on cards, in feeds and in search engines")
	case n < MinDescriptionChars:
		add(Warning, p.File, "description", "the summary is short (%d characters); aim for one or two sentences of at least %d characters", n, MinDescriptionChars)
	}
}

// inherited are the product fields a translation takes from the default language.
var inherited = []string{"sku", "price", "stock", "vat", "delivery_class", "maker", "related"}

// checkTranslation checks a product's translation (index.en.md): it says in words
// what the default-language page says; prices, SKUs and classes come from there.
func checkTranslation(s *Site, p *Page, base map[string]map[string]priceAt, add func(Severity, string, string, string, ...any)) {
	f := p.File
	skus, ok := base[p.Dir()]
	if !ok && s.defaultPage(p) == nil { // (a default page that does not parse is reported itself)
		add(Error, f, "", "this translation has no %s page next to it (content/%s/index.md); prices and SKUs come from there", langName(s.DefaultLang), p.Dir())
	}
	for _, k := range inherited {
		if _, set := p.Param(k); set {
			add(Warning, f, k, "%s is taken from the %s page and ignored here; remove it from this file", k, langName(s.DefaultLang))
		}
	}
	checkDescription(p, add)
	if strings.TrimSpace(visibleText(p.Body)) == "" {
		add(Warning, f, "body", "no translated description; visitors in this language see an empty product story")
	}
	imgs, _ := p.Param("images")
	list, _ := asList(imgs)
	for i, it := range list {
		field := fmt.Sprintf("images[%d]", i+1)
		src, alt := imageSrcAlt(it)
		if src == "" {
			add(Error, f, field+".src", "photo %d has no src; write the file name of the photo whose alt text this translates", i+1)
			continue
		}
		if alt == "" {
			add(Error, f, field+".alt", "photo '%s' has no alt text; describe what is on the photo for blind visitors", src)
		}
		if !s.imageExists(p, src) {
			add(Error, f, field+".src", "photo '%s' is not in the product folder %s; add the file or correct the name", src, path.Join("content", p.Dir()))
		}
	}
	if vs, ok := p.Param("variants"); ok && skus != nil {
		l, _ := asList(vs)
		for i, v := range l {
			m, _ := asMap(v)
			sku, _ := lookup(m, "sku")
			if _, known := skus[fmt.Sprint(orEmpty(sku))]; !known {
				add(Error, f, fmt.Sprintf("variants[%d].sku", i+1), "SKU %q is not a variant on the %s page; a translated variant name is matched by the SKU", fmt.Sprint(orEmpty(sku)), langName(s.DefaultLang))
			}
		}
	}
	cats, _ := p.Param("categories")
	catList, _ := asList(cats)
	if c, ok := cats.(string); ok && c != "" {
		catList = []any{c}
	}
	trans := s.CategoryIn[p.Lang]
	if len(catList) == 0 || trans == nil {
		return
	}
	got := fmt.Sprint(catList[0])
	valid := map[string]bool{}
	for _, t := range trans {
		valid[t] = true
	}
	if !valid[got] {
		add(Error, f, "categories", "unknown category %q for %s; use one of: %s (data/shop.toml slug_%s)", got, langName(p.Lang), known(valid), p.Lang)
		return
	}
	if dp := s.defaultPage(p); dp != nil {
		dc, _ := dp.Param("categories")
		dl, _ := asList(dc)
		if len(dl) == 1 {
			if want := trans[fmt.Sprint(dl[0])]; want != "" && want != got {
				add(Error, f, "categories", "category %q does not match the %s page's %q; use %q", got, langName(s.DefaultLang), fmt.Sprint(dl[0]), want)
			}
		}
	}
}

// checkReferences checks what any page points to in front matter: its cover
// photo, and the slugs of products and makers it names.
func checkReferences(s *Site, p *Page, add func(Severity, string, string, string, ...any)) {
	f := p.File
	if !p.IsList() {
		if p.String("title") == "" {
			add(Error, f, "title", "no title; every page needs one, it is the heading and the name in menus and search results")
		}
		switch p.Section() {
		case "stories", "guides", "makers":
			checkDescription(p, add)
		}
	}
	if img := p.String("image"); img != "" {
		if !s.imageExists(p, img) {
			add(Error, f, "image", "photo '%s' is not in the page folder %s; add the file or correct the name", img, path.Join("content", p.Dir()))
		}
		if p.String("image_alt") == "" {
			add(Error, f, "image_alt", "photo '%s' has no alt text; describe what is on the photo for blind visitors", img)
		}
	}
	slugList := func(key, section, what string) {
		v, ok := p.Param(key)
		if !ok {
			return
		}
		l, _ := asList(v)
		for i, x := range l {
			slug := strings.TrimSpace(fmt.Sprint(x))
			if !s.hasPage(section + "/" + slug) {
				add(Error, f, fmt.Sprintf("%s[%d]", key, i+1), "%s %q does not exist; it must be the folder name of a page in content/%s/", what, slug, section)
			}
		}
	}
	slugList("products", "products", "product")
	slugList("related", "products", "related product")
	slugList("makers", "makers", "maker")
	if p.Section() == "makers" && p.Lang == s.DefaultLang && !p.IsList() {
		loc, _ := p.Param("location")
		m, ok := asMap(loc)
		lat, _ := lookup(m, "lat")
		lon, _ := lookup(m, "lon")
		_, latOK := toFloat(lat)
		_, lonOK := toFloat(lon)
		switch {
		case !ok:
			add(Error, f, "location", "no location; add place, country, lat and lon so the maker appears on the map")
		case !latOK || !lonOK:
			add(Error, f, "location.lat", "lat and lon must be numbers in decimal degrees (for example lat: 5.78, lon: 38.92)")
		}
	}
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}

func (s *Site) defaultPage(p *Page) *Page {
	for _, q := range s.Pages {
		if q.Lang == s.DefaultLang && q.Path == p.Path {
			return q
		}
	}
	return nil
}

// dotted joins a front matter path: dotted("variants[2]", "sku") = "variants[2].sku".
func dotted(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

func mustParam(p *Page, key string) any {
	v, _ := p.Param(key)
	return v
}

func stockOf(p *Page, field string, i int) (any, bool) {
	if field == "" {
		return p.Param("stock")
	}
	l, _ := asList(mustParam(p, "variants"))
	m, _ := asMap(l[i])
	return lookup(m, "stock")
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case uint64:
		return int(n), true
	case float64:
		if n == math.Trunc(n) {
			return int(n), true
		}
	}
	return 0, false
}

// parsePrice turns an editor's price (24.95, 24) into cents. Text ("24,95")
// is refused, as the theme's build does.
func parsePrice(v any) (int, error) {
	var f float64
	switch n := v.(type) {
	case nil:
		return 0, fmt.Errorf("no price; write the price in euros including VAT, for example 24.95")
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case uint64:
		f = float64(n)
	case float64:
		f = n
	case string:
		return 0, fmt.Errorf("price %q is written as text; write a number of euros with a dot and no quotes or euro sign, like 14.50 (the build stops on text)", n)
	default:
		return 0, fmt.Errorf("price %v is not a number; write it in euros including VAT, for example 24.95", v)
	}
	if f <= 0 {
		return 0, fmt.Errorf("price %v must be more than zero", v)
	}
	cents := math.Round(f * 100)
	if math.Abs(cents-f*100) > 1e-6 {
		return 0, fmt.Errorf("price %v has more than two decimals; write euros and cents, for example 24.95", v)
	}
	return int(cents), nil
}

func imageSrcAlt(v any) (src, alt string) {
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s), ""
	}
	m, _ := asMap(v)
	if x, ok := lookup(m, "src"); ok {
		src = strings.TrimSpace(fmt.Sprint(x))
	}
	if x, ok := lookup(m, "alt"); ok {
		alt = strings.TrimSpace(fmt.Sprint(orEmpty(x)))
	}
	return src, alt
}

func known(m map[string]bool) string {
	if len(m) == 0 {
		return "(none configured)"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func langName(code string) string {
	switch code {
	case "nl":
		return "Dutch"
	case "en":
		return "English"
	case "de":
		return "German"
	case "fr":
		return "French"
	}
	return code
}

// visibleText strips shortcodes, HTML comments and surrounding space from a body.
func visibleText(body string) string {
	body = shortcodeRe.ReplaceAllString(body, "")
	body = commentRe.ReplaceAllString(body, "")
	return strings.TrimSpace(body)
}

// imageExists reports whether a photo named in front matter or Markdown exists:
// relative names in the page's bundle, absolute ones under static/ or content/.
func (s *Site) imageExists(p *Page, src string) bool {
	src = strings.SplitN(strings.SplitN(src, "?", 2)[0], "#", 2)[0]
	if isExternal(src) {
		return true
	}
	if strings.HasPrefix(src, "/") {
		rel := strings.TrimPrefix(src, "/")
		return s.StaticFiles[rel] || s.ContentFiles[rel]
	}
	dir := p.Dir()
	if !p.IsBundle() && !p.IsList() {
		// A single-file page has no bundle; Hugo resolves relative to its URL,
		// which for content files means the same directory.
		dir = path.Dir(p.Path)
	}
	return s.ContentFiles[path.Clean(path.Join(dir, src))]
}

// hasPage reports a page at a content path without extension, e.g. "makers/guji"
// (as a bundle, a branch bundle or a single file), in any language.
func (s *Site) hasPage(logical string) bool {
	logical = strings.Trim(logical, "/")
	for _, p := range s.Pages {
		noExt := strings.TrimSuffix(p.Path, path.Ext(p.Path))
		if p.IsBundle() || p.IsList() {
			if p.Dir() == logical {
				return true
			}
		} else if noExt == logical {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}
