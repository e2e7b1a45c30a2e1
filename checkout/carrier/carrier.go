// Package carrier is the shop's side of a parcel carrier: create a parcel
// with its label, fetch the label in a paper size, ask a parcel's status and
// find pick-up points near a postcode. The built-in Manual carrier is
// today's way of working (the owner buys the label elsewhere and types the
// tracking code); package sendcloud implements the interface for Sendcloud.
//
// The package holds no I/O of its own: the pure helpers (tracking links,
// sorting pick-up points, the delivery date of a status) are tested on
// their own.
package carrier

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Paper is a label's paper size.
type Paper string

const (
	A6 Paper = "A6" // one label per sheet, for label printers
	A4 Paper = "A4" // a normal printer's sheet
)

// ParsePaper reads "a6"/"A6"/"" (A6) and "a4"/"A4".
func ParsePaper(s string) (Paper, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "A6":
		return A6, true
	case "A4":
		return A4, true
	}
	return "", false
}

// Address is where a parcel goes.
type Address struct {
	Name        string
	Street      string // street and house number as the customer typed them
	PostalCode  string
	City        string
	Country     string // ISO 3166-1 alpha-2
	Email       string
	Phone       string
	CompanyName string
}

// Shipment is what the shop asks a carrier to ship.
type Shipment struct {
	// Reference is the shop's order number. A carrier keeps it on the parcel
	// and finds the parcel by it, so asking twice never makes two parcels.
	Reference string
	To        Address
	// Option is the carrier's shipping option for the shop's method (e.g.
	// Sendcloud's "postnl:standard"); empty lets the carrier choose.
	Option string
	// PickupPoint is the chosen pick-up point's id for a pick-up method.
	PickupPoint string
	WeightGrams int
	// Items is a short text per order line, printed on the label where the
	// carrier supports it (label notes).
	Items []string
}

// Parcel is a created parcel with its label.
type Parcel struct {
	ID           string // the carrier's parcel id
	TrackingCode string
	TrackingURL  string
	// Existing is true when the carrier already had a parcel for the
	// reference (a retry, or a second pack): nothing new was created.
	Existing bool
}

// Status is what the carrier knows of a parcel.
type Status struct {
	Code        string    // the carrier's status, e.g. "delivered"
	Message     string    // its words
	Delivered   bool      // the parcel reached the customer (or the pick-up point's customer)
	DeliveredAt time.Time // when, as the carrier saw it; zero when unknown
}

// PickupPoint is a place where a customer collects a parcel.
type PickupPoint struct {
	ID         string `json:"id"`
	Carrier    string `json:"carrier"`
	Name       string `json:"name"`
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"`
	DistanceM  int    `json:"distance_m"` // from the postcode searched; 0 when unknown
}

// Line is the point on one line, as shown on the order page, slip and label.
func (p PickupPoint) Line() string {
	parts := []string{p.Name, p.Street, strings.TrimSpace(p.PostalCode + " " + p.City)}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), ", ")
}

// Carrier is a parcel carrier.
type Carrier interface {
	// Name is a short name for logs and the admin page ("manual", "sendcloud").
	Name() string
	// CreateParcel announces a parcel and creates its label. Calling it again
	// with the same Reference returns the parcel made the first time.
	CreateParcel(ctx context.Context, s Shipment) (Parcel, error)
	// Label is the parcel's label as a PDF in paper size p.
	Label(ctx context.Context, parcelID string, p Paper) ([]byte, error)
	// Status asks the carrier where the parcel is.
	Status(ctx context.Context, parcelID, trackingCode string) (Status, error)
	// PickupPoints lists pick-up points of option's carrier near postcode,
	// nearest first.
	PickupPoints(ctx context.Context, country, postcode, option string) ([]PickupPoint, error)
}

// MultiLabeler is a carrier that gives several parcels' labels as one PDF
// (at most MaxLabelsPerPDF at a time): "print today's labels".
type MultiLabeler interface {
	Labels(ctx context.Context, parcelIDs []string, p Paper) ([]byte, error)
}

// MaxLabelsPerPDF is how many labels one PDF holds (Sendcloud's limit).
const MaxLabelsPerPDF = 20

// ErrNotSupported is returned by a carrier for what it cannot do (the manual
// carrier makes no labels and knows no pick-up points).
var ErrNotSupported = errors.New("the carrier cannot do this")

// Manual is the built-in carrier: the owner ships with a label bought
// elsewhere and enters the tracking code. It creates nothing.
type Manual struct{}

func (Manual) Name() string { return "manual" }
func (Manual) CreateParcel(context.Context, Shipment) (Parcel, error) {
	return Parcel{}, errors.Join(ErrNotSupported, errors.New("the manual carrier makes no labels: set the Sendcloud keys (SHOP_SENDCLOUD_PUBLIC_KEY, SHOP_SENDCLOUD_SECRET_KEY) or ship with --tracking CODE"))
}
func (Manual) Label(context.Context, string, Paper) ([]byte, error) {
	return nil, errors.Join(ErrNotSupported, errors.New("the manual carrier has no labels"))
}
func (Manual) Status(context.Context, string, string) (Status, error) {
	return Status{}, errors.Join(ErrNotSupported, errors.New("the manual carrier does not track parcels; mark the order delivered yourself"))
}
func (Manual) PickupPoints(context.Context, string, string, string) ([]PickupPoint, error) {
	return nil, errors.Join(ErrNotSupported, errors.New("the manual carrier knows no pick-up points"))
}

// TrackingLink fills a method's tracking_url template ("{code}" replaced by
// the path-escaped code). ok is false when the template is empty or the
// result is not an http(s) link.
func TrackingLink(template, code string) (string, bool) {
	code = strings.TrimSpace(code)
	if template == "" || code == "" || !strings.Contains(template, "{code}") {
		return "", false
	}
	link := strings.ReplaceAll(template, "{code}", url.PathEscape(code))
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(link) > 500 {
		return "", false
	}
	return link, true
}

// ValidTrackingCode reports whether s looks like a carrier's tracking code:
// 4 to 40 letters, digits, and - or _. It keeps links and junk out of the
// template.
func ValidTrackingCode(s string) bool {
	if len(s) < 4 || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Nearest sorts points by distance (unknown distances last, then by name
// and id, so the order is stable) and keeps at most n.
func Nearest(points []PickupPoint, n int) []PickupPoint {
	out := slices.Clone(points)
	slices.SortStableFunc(out, func(a, b PickupPoint) int {
		ka, kb := a.DistanceM, b.DistanceM
		if ka <= 0 {
			ka = 1 << 30
		}
		if kb <= 0 {
			kb = 1 << 30
		}
		if ka != kb {
			return ka - kb
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if n >= 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// NormalizePostcode upper-cases a postcode and drops spaces ("3512 ab" →
// "3512AB"); ok is false when it is not 3 to 10 letters and digits.
func NormalizePostcode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-':
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	out := b.String()
	return out, len(out) >= 3 && len(out) <= 10
}

// DeliveredAt is the delivery time to record for an order shipped at shipped
// and seen delivered by the carrier at carrierAt, at now: the carrier's time
// when it is sane (not before shipping, not in the future), else now.
func DeliveredAt(shipped, carrierAt, now time.Time) time.Time {
	if carrierAt.IsZero() || carrierAt.After(now) || (!shipped.IsZero() && carrierAt.Before(shipped)) {
		return now
	}
	return carrierAt
}
