package catalog

// Followable topics: the categories and makers a visitor can follow by
// e-mail (checkout/subscribe). catalog.json lists them with their names, so
// a subscription's label (it goes into the confirmation e-mail's subject)
// comes from the shop's own build, never from the form:
//
//	"categories": [{"slug": "koffie", "name": "Koffie", "name_en": "Coffee"}],
//	"makers":     [{"slug": "guji-cooperatie", "name": "Guji-coöperatie"}]
//
// Both lists are optional (older catalogs lack them): then a topic is known
// when an item names its slug (Item.Category, Item.Maker) and its label is
// the slug itself. A topic that is in neither is unknown.

// TopicName is one category or maker with its names.
type TopicName struct {
	Slug   string `json:"slug"`
	Name   string `json:"name"`              // in the default language (nl)
	NameEN string `json:"name_en,omitempty"` // English; empty: Name
}

// FollowName is the name of the category (kind "category") or maker
// (kind "maker") with the given slug in lang, and whether the catalog
// knows that topic at all.
func (c *Catalog) FollowName(kind, slug, lang string) (string, bool) {
	if c == nil || slug == "" {
		return "", false
	}
	var list []TopicName
	switch kind {
	case "category":
		list = c.Categories
	case "maker":
		list = c.Makers
	case "stock": // a back-in-stock alert for one SKU (docs/subscriptions.md)
		it, ok := c.Lookup(slug)
		if !ok {
			return "", false
		}
		if it.Variant != "" {
			return it.Title + " · " + it.Variant, true
		}
		return it.Title, true
	default:
		return "", false
	}
	for _, t := range list {
		if t.Slug != slug {
			continue
		}
		name := t.Name
		if lang == "en" && t.NameEN != "" {
			name = t.NameEN
		}
		if name == "" {
			name = slug
		}
		return name, true
	}
	for _, it := range c.Items {
		if (kind == "category" && it.Category == slug) || (kind == "maker" && it.Maker == slug) {
			return slug, true
		}
	}
	return "", false
}
