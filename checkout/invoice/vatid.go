package invoice

import (
	"errors"
	"regexp"
	"strings"
)

// VAT identification numbers: the format of each EU member state (and
// Northern Ireland, XI), as the European Commission's VIES lists them. Only
// the format is checked, offline; whether the number exists is for VIES
// (https://ec.europa.eu/taxation_customs/vies/), which the owner consults
// before relying on reverse charge for a new business customer.
var vatFormats = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^ATU\d{8}$`),
	"BE": regexp.MustCompile(`^BE[01]\d{9}$`),
	"BG": regexp.MustCompile(`^BG\d{9,10}$`),
	"CY": regexp.MustCompile(`^CY\d{8}[A-Z]$`),
	"CZ": regexp.MustCompile(`^CZ\d{8,10}$`),
	"DE": regexp.MustCompile(`^DE\d{9}$`),
	"DK": regexp.MustCompile(`^DK\d{8}$`),
	"EE": regexp.MustCompile(`^EE\d{9}$`),
	"GR": regexp.MustCompile(`^EL\d{9}$`), // Greece's VAT numbers start with EL
	"ES": regexp.MustCompile(`^ES[A-Z0-9]\d{7}[A-Z0-9]$`),
	"FI": regexp.MustCompile(`^FI\d{8}$`),
	"FR": regexp.MustCompile(`^FR[A-HJ-NP-Z0-9]{2}\d{9}$`),
	"HR": regexp.MustCompile(`^HR\d{11}$`),
	"HU": regexp.MustCompile(`^HU\d{8}$`),
	"IE": regexp.MustCompile(`^IE(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$`),
	"IT": regexp.MustCompile(`^IT\d{11}$`),
	"LT": regexp.MustCompile(`^LT(\d{9}|\d{12})$`),
	"LU": regexp.MustCompile(`^LU\d{8}$`),
	"LV": regexp.MustCompile(`^LV\d{11}$`),
	"MT": regexp.MustCompile(`^MT\d{8}$`),
	"NL": regexp.MustCompile(`^NL\d{9}B\d{2}$`),
	"PL": regexp.MustCompile(`^PL\d{10}$`),
	"PT": regexp.MustCompile(`^PT\d{9}$`),
	"RO": regexp.MustCompile(`^RO\d{2,10}$`),
	"SE": regexp.MustCompile(`^SE\d{10}01$`),
	"SI": regexp.MustCompile(`^SI\d{8}$`),
	"SK": regexp.MustCompile(`^SK\d{10}$`),
	"XI": regexp.MustCompile(`^XI(\d{9}|\d{12}|GD\d{3}|HA\d{3})$`),
}

// Errors of CheckVATID.
var (
	ErrVATCountry = errors.New("VAT numbers of this country are not known here (EU countries only)")
	ErrVATFormat  = errors.New("this is not a VAT number of the country of the address")
)

// NormalizeVATID removes spaces, dots and dashes and upper-cases.
func NormalizeVATID(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
}

// CheckVATID checks that id (normalised) is a VAT number in the format of
// country (ISO alpha-2; GR takes EL numbers). It returns the normalised id.
func CheckVATID(id, country string) (string, error) {
	id = NormalizeVATID(id)
	re, ok := vatFormats[strings.ToUpper(country)]
	if !ok {
		return id, ErrVATCountry
	}
	if !re.MatchString(id) {
		return id, ErrVATFormat
	}
	return id, nil
}

// EU reports whether country (ISO alpha-2) is an EU member state (or XI).
func EU(country string) bool {
	_, ok := vatFormats[strings.ToUpper(country)]
	return ok
}

// ReverseCharge reports whether a sale to a buyer in country with VAT
// number vatID is an intra-Community supply with VAT reverse charged (art.
// 138 and 196 of Directive 2006/112/EC): the shop turned it on, the buyer
// is a business in another EU country than the shop's, with a VAT number
// in that country's format.
func ReverseCharge(enabled bool, shopCountry, country, vatID string) bool {
	if !enabled || vatID == "" || strings.EqualFold(shopCountry, country) {
		return false
	}
	_, err := CheckVATID(vatID, country)
	return err == nil
}
