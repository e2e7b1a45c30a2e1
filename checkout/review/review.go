// Package review holds the rules of reviews from verified buyers: when an
// order may be asked for a review, what a review holds and how the owner
// moderates it, and the data/reviews/<slug>.toml format the theme reads. It
// is pure; the store keeps reviews, the server drives them.
//
// Rules:
//   - Only a delivered order is asked, once, DefaultAfterDays (or the shop's
//     review_after_days) after delivery, and only within AskWindow after that
//     day: a purchase from long ago is not dug up when the feature goes live.
//   - A customer who opted out is never asked again (any order).
//   - A review belongs to one order and one product of that order (verified
//     buyer); the customer may edit it while it awaits moderation.
//   - Nothing is published before the owner approves it.
package review

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/storefront/storefront/checkout/order"
)

// DefaultAfterDays is the wait after delivery when the shop sets none.
const DefaultAfterDays = 10

// AskWindow is how long after the ask day a request may still go out.
const AskWindow = 30 * 24 * time.Hour

// Limits of what a customer writes.
const (
	MaxText   = 2000 // characters
	MinText   = 3
	MaxAuthor = 40
)

// AfterDays turns the catalog's setting into the wait in days: 0 (not set)
// gives DefaultAfterDays; a negative value turns requests off (ok false).
func AfterDays(setting int) (days int, ok bool) {
	switch {
	case setting < 0:
		return 0, false
	case setting == 0:
		return DefaultAfterDays, true
	}
	return setting, true
}

// AskAt is when a delivered order may be asked for a review.
func AskAt(o *order.Order, afterDays int) time.Time {
	return o.DeliveredAt.Add(time.Duration(afterDays) * 24 * time.Hour)
}

// Due reports whether o should be asked for a review at now: delivered, the
// wait is over and the ask window has not passed. Whether it was asked
// before, or the customer opted out, is the store's to know.
func Due(o *order.Order, afterDays int, now time.Time) bool {
	if o.State != order.Delivered || o.DeliveredAt.IsZero() || o.Customer.Email == "" {
		return false
	}
	at := AskAt(o, afterDays)
	return !now.Before(at) && now.Before(at.Add(AskWindow))
}

// State is where a review is in moderation.
type State string

const (
	Pending  State = "pending"
	Approved State = "approved"
	Rejected State = "rejected"
)

// Valid reports whether s is a known state.
func (s State) Valid() bool { return s == Pending || s == Approved || s == Rejected }

// Action is what the owner does to a review.
type Action string

const (
	Approve Action = "approve"
	Reject  Action = "reject"
)

// ErrModeration is wrapped when an action does not apply.
var ErrModeration = errors.New("moderation not allowed")

// Moderate is the moderation state machine: pending and rejected reviews can
// be approved; pending and approved ones rejected (withdrawn before the next
// export). Doing what is done already is allowed and changes nothing
// (changed false), so a retried command is harmless.
func Moderate(from State, a Action) (to State, changed bool, err error) {
	switch {
	case a == Approve && from == Approved, a == Reject && from == Rejected:
		return from, false, nil
	case a == Approve && (from == Pending || from == Rejected):
		return Approved, true, nil
	case a == Reject && (from == Pending || from == Approved):
		return Rejected, true, nil
	}
	return from, false, fmt.Errorf("%w: %s a review that is %s", ErrModeration, a, from)
}

// Review is one customer's review of one product of one order.
type Review struct {
	ID           string    `json:"id"` // order id + "/" + product slug
	OrderID      string    `json:"order_id"`
	Product      string    `json:"product"` // product slug (data/reviews/<slug>.toml)
	ProductTitle string    `json:"product_title"`
	Rating       int       `json:"rating"` // 1..5
	Text         string    `json:"text"`
	Author       string    `json:"author"` // as the customer wants to be named
	Email        string    `json:"email"`  // never exported
	Lang         string    `json:"lang"`
	State        State     `json:"state"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	ModeratedAt  time.Time `json:"moderated_at,omitzero"`
	ModeratedBy  string    `json:"moderated_by,omitempty"`
}

// ID is the key of a review: one per order and product.
func ID(orderID, product string) string { return orderID + "/" + product }

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)

// ValidSlug reports whether s can name a product file (data/reviews/<s>.toml).
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// Input is what the review form sends.
type Input struct {
	Product string
	Rating  int
	Text    string
	Author  string
	Lang    string
}

// Clean trims the input and reports what is wrong, per field, as message
// keys the server translates: rating, text, author.
func (in *Input) Clean() map[string]string {
	errs := map[string]string{}
	in.Text = strings.TrimSpace(strings.ReplaceAll(in.Text, "\r\n", "\n"))
	in.Author = strings.Join(strings.Fields(in.Author), " ")
	if in.Lang != "en" {
		in.Lang = "nl"
	}
	if in.Rating < 1 || in.Rating > 5 {
		errs["rating"] = "review.err.rating"
	}
	n := utf8.RuneCountInString(in.Text)
	switch {
	case !utf8.ValidString(in.Text) || hasControl(in.Text, true):
		errs["text"] = "review.err.text_chars"
	case n < MinText:
		errs["text"] = "review.err.text_short"
	case n > MaxText:
		errs["text"] = "review.err.text_long"
	}
	switch {
	case in.Author == "":
		errs["author"] = "review.err.author"
	case utf8.RuneCountInString(in.Author) > MaxAuthor || !utf8.ValidString(in.Author) || hasControl(in.Author, false):
		errs["author"] = "review.err.author_long"
	}
	return errs
}

func hasControl(s string, newlines bool) bool {
	for _, r := range s {
		if newlines && (r == '\n' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// FirstName is the name a review is signed with by default: the first word
// of the customer's name (nobody's full name is published unasked).
func FirstName(full string) string {
	f := strings.Fields(full)
	if len(f) == 0 {
		return ""
	}
	r := []rune(f[0])
	if len(r) > MaxAuthor {
		r = r[:MaxAuthor]
	}
	return string(r)
}
