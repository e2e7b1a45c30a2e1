package doctor

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/storefront/storefront/checkout/invoice"
)

// A Dutch web shop must publish its terms, its privacy statement and the
// model withdrawal form (linked from every confirmation), and name its KvK
// and VAT numbers on every invoice and confirmation (docs/invoices.md,
// docs/going-live.md). Delivery and returns pages are checked by checkTerms.

// legalPages are the pages checkLegal wants in every language: the kind,
// the Dutch file name it suggests, the English slug, and what it is.
var legalPages = []struct{ kind, name, what, why string }{
	{"conditions", "algemene-voorwaarden", "terms and conditions (algemene voorwaarden)", "the checkout page, the footer and every confirmation link to them"},
	{"privacy", "privacy", "privacy statement", "the law asks it of every shop that keeps customers' data"},
	{"withdrawal", "herroepingsformulier", "model withdrawal form (modelformulier voor herroeping)", "every confirmation must link it (art. 6:230m BW)"},
}

// legalKind tells which of legalPages a page is: front matter "terms"
// (conditions, privacy, withdrawal), or a well-known file name.
func legalKind(p *Page) string {
	switch strings.ToLower(p.String("terms")) {
	case "conditions", "voorwaarden", "algemene-voorwaarden", "terms":
		return "conditions"
	case "privacy":
		return "privacy"
	case "withdrawal", "herroeping", "herroepingsformulier":
		return "withdrawal"
	}
	switch strings.ToLower(p.Name()) {
	case "algemene-voorwaarden", "voorwaarden", "terms", "terms-and-conditions", "conditions":
		return "conditions"
	case "privacy", "privacyverklaring", "privacybeleid", "privacy-policy", "privacy-statement":
		return "privacy"
	case "herroepingsformulier", "modelformulier", "withdrawal-form", "withdrawal":
		return "withdrawal"
	}
	return ""
}

var kvkFormat = regexp.MustCompile(`^\d{8}$`)

// checkLegal reports a missing terms, privacy or withdrawal-form page per
// language and a missing or malformed KvK or VAT number in data/shop.toml.
func checkLegal(s *Site) []Finding {
	var out []Finding
	for _, lp := range legalPages {
		for _, lang := range s.Langs {
			found := false
			for _, p := range s.Pages {
				if p.Lang == lang && legalKind(p) == lp.kind {
					found = true
					break
				}
			}
			if found {
				continue
			}
			file := "content/" + lp.name + ".md"
			if lang != s.DefaultLang {
				file = "content/" + lp.name + "." + lang + ".md"
			}
			out = append(out, Finding{Severity: Error, File: file,
				Message: fmt.Sprintf("there is no %s page in %s; %s (or give an existing page front matter terms: %s)", lp.what, langName(lang), lp.why, lp.kind)})
		}
	}
	shop := s.ShopFile
	if shop == "" {
		shop = "data/shop.toml"
	}
	switch kvk := strings.ReplaceAll(s.ShopKvK, " ", ""); {
	case kvk == "":
		out = append(out, Finding{Severity: Error, File: shop, Field: "kvk",
			Message: "the shop's Chamber of Commerce (KvK) number is not set; invoices and confirmations must show it: kvk = \"12345678\""})
	case s.ShopCountry == "NL" && !kvkFormat.MatchString(kvk):
		out = append(out, Finding{Severity: Error, File: shop, Field: "kvk",
			Message: fmt.Sprintf("KvK number %q is not 8 digits", s.ShopKvK)})
	}
	if s.ShopVATID == "" {
		out = append(out, Finding{Severity: Error, File: shop, Field: "vat_id",
			Message: "the shop's VAT number (btw-id) is not set; invoices and confirmations must show it: vat_id = \"NL123456789B01\""})
	} else if co := s.ShopCountry; co != "" {
		if _, err := invoice.CheckVATID(s.ShopVATID, co); err != nil {
			out = append(out, Finding{Severity: Error, File: shop, Field: "vat_id",
				Message: fmt.Sprintf("VAT number %q is not in the format of %s (e.g. NL123456789B01)", s.ShopVATID, co)})
		}
	}
	return out
}
