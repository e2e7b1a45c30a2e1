package doctor

import (
	"path"
	"strings"
)

// Site is what the checks look at: the parsed content pages, the files next
// to them and the shop-wide settings from data/ and the site configuration.
type Site struct {
	DefaultLang string
	Langs       []string // all configured languages, default first
	// DefaultLangInSubdir mirrors Hugo's defaultContentLanguageInSubdir.
	DefaultLangInSubdir bool

	Pages []*Page
	// ContentFiles holds every file under content/, slash paths relative to content/.
	ContentFiles map[string]bool
	// StaticFiles holds every file under static/ (site and theme), slash paths relative to static/.
	StaticFiles map[string]bool

	Categories map[string]bool // known category slugs of the default language (data/shop.toml)
	// CategoryIn maps language -> default-language slug -> that language's slug
	// (data/shop.toml [[categories]] slug_nl, slug_en).
	CategoryIn      map[string]map[string]string
	DeliveryClasses map[string]bool // known delivery classes (data/delivery.toml)
	VATClasses      map[string]bool // known VAT classes (data/shop.toml)
	// VAT abroad (data/vat.toml, docs/money.md): OSS on, the rates per
	// country (upper case) and class, the countries the shipping methods
	// go to (data/shipping.toml) and the shop's own country.
	ShopCountry   string
	OSS           bool
	VATFile       string
	VATRates      map[string]map[string]bool
	ShipCountries []string
	ShippingFile  string
	// ShipMethods are data/shipping.toml's methods in file order, with
	// their countries as written (shipping.go).
	ShipMethods []ShipMethod
	// The shop's identity on invoices (data/shop.toml; legal.go).
	ShopKvK, ShopVATID, ShopFile string
	// Gift cards (giftcard.go): the VAT classes at 0 % and the term of
	// data/shop.toml [giftcards] valid_years (nil when not set).
	ZeroVATClasses map[string]bool
	GiftValidYears any

	// Permalinks maps a section or taxonomy to its URL pattern, per language
	// ("" for all languages), e.g. Permalinks[""]["products"] = "/producten/:slug/".
	Permalinks map[string]map[string]string
	// Taxonomies lists the plural taxonomy names (categories, tags).
	Taxonomies []string
	// Instructions are the lines of the archetypes' body text (site and
	// theme, with i18n keys resolved in every language), whitespace
	// normalised: text `shop new` writes for the editor to replace.
	Instructions []string
	// Discount codes that live in git (codes.go): data/codes.toml's path and
	// content (nil when there is none).
	CodesFile string
	CodesData []byte
	// The price history behind "was" prices (wasprice.go).
	HasPriceHistory bool
	PriceHistory    []PriceChange
	PriceHistoryErr error
}

// Page is one content file.
type Page struct {
	File     string // relative to the site: content/products/x/index.md
	Path     string // relative to content/, language suffix removed: products/x/index.md
	Lang     string
	Params   map[string]any // front matter
	Body     string         // the Markdown after the front matter
	BodyLine int            // line number in File where Body starts (1-based)
}

// Section is the first directory under content/ ("products"), or "" for top-level pages.
func (p *Page) Section() string {
	dir := path.Dir(p.Path)
	if dir == "." {
		return ""
	}
	return strings.SplitN(dir, "/", 2)[0]
}

// Dir is the page's directory under content/ (the bundle directory for index.md).
func (p *Page) Dir() string { return path.Dir(p.Path) }

// IsBundle reports a leaf bundle (index.md), whose directory holds its photos.
func (p *Page) IsBundle() bool { return strings.HasPrefix(path.Base(p.Path), "index.") }

// IsList reports a branch page (_index.md).
func (p *Page) IsList() bool { return strings.HasPrefix(path.Base(p.Path), "_index.") }

// IsProduct reports a product page: a regular page in the products section.
func (p *Page) IsProduct() bool {
	return p.Section() == "products" && !p.IsList()
}

// Name is the page's own name: the bundle directory, or the file name without extension.
func (p *Page) Name() string {
	if p.IsBundle() || p.IsList() {
		return path.Base(p.Dir())
	}
	base := path.Base(p.Path)
	return strings.TrimSuffix(base, path.Ext(base))
}

// Param returns a front matter value by case-insensitive key, as Hugo does.
func (p *Page) Param(key string) (any, bool) {
	return lookup(p.Params, key)
}

// String returns a string front matter value, or "".
func (p *Page) String(key string) string {
	v, _ := p.Param(key)
	s, _ := v.(string)
	return strings.TrimSpace(s)
}

func lookup(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// asMap turns YAML/TOML decoded tables into map[string]any.
func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, v := range m {
			ks, ok := k.(string)
			if !ok {
				return nil, false
			}
			out[ks] = v
		}
		return out, true
	}
	return nil, false
}

// asList turns decoded arrays into []any.
func asList(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []map[string]any:
		out := make([]any, len(l))
		for i, m := range l {
			out[i] = m
		}
		return out, true
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}
