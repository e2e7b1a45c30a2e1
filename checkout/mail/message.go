// Package mail renders the customer's e-mails (text and HTML with the same
// content), and delivers them: to an outbox directory of .eml files (demo,
// tests) or through SMTP with github.com/wneessen/go-mail.
package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail to one customer.
type Message struct {
	ID      string    // unique and stable across retries: names the .eml file and the Message-ID
	Kind    string    // confirmation, shipped, ...
	To      string    // address
	ToName  string    // display name
	Subject string    // plain text
	Text    string    // text/plain body
	HTML    string    // text/html body (same content)
	Created time.Time // when it was queued; the Date header
	ReplyTo string    // the shop's address, when replies should not go to From
	// Unsubscribe lists the one-click unsubscribe links of a mailing (an
	// https URL first, then a mailto:); empty for order mail. See setUnsubscribe.
	Unsubscribe []string
	// Attachments go with the message (the invoice PDF with the confirmation).
	Attachments []Attachment
}

// msgIDChars are the characters a Message-ID's left part may hold (RFC 5322 atext, no '/').
var msgIDChars = regexp.MustCompile(`[^A-Za-z0-9!#$%&'*+=?^_{|}~.-]+`)

// Sender delivers messages. Send must be safe to call again for a message it
// may already have delivered (the queue retries after a crash).
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// build makes an RFC 5322 message with multipart/alternative text and HTML.
func build(from string, m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	sender, err := parseAddress("sender", from)
	if err != nil {
		return nil, err
	}
	msg.FromMailAddress(sender)
	to, err := recipient(m.ToName, m.To)
	if err != nil {
		return nil, err
	}
	setRecipient(msg, to)
	msg.Subject(m.Subject)
	if m.ReplyTo != "" {
		rt, err := parseAddress("reply-to", m.ReplyTo)
		if err != nil {
			return nil, err
		}
		msg.ReplyToMailAddress(rt)
	}
	if m.Created.IsZero() {
		msg.SetDate()
	} else {
		msg.SetDateWithValue(m.Created)
	}
	if m.ID != "" {
		domain := "storefront.local"
		if _, d, ok := strings.Cut(sender.Address, "@"); ok {
			domain = d
		}
		msg.SetMessageIDWithValue(strings.Trim(msgIDChars.ReplaceAllString(m.ID, "."), ".") + "@" + domain)
	} else {
		msg.SetMessageID()
	}
	setUnsubscribe(msg, m.Unsubscribe)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if err := attach(msg, m.Attachments); err != nil {
		return nil, err
	}
	return msg, nil
}

// Write writes m as an RFC 5322 message (what an .eml file holds).
func Write(w io.Writer, from string, m Message) error {
	msg, err := build(from, m)
	if err != nil {
		return fmt.Errorf("build e-mail %s: %w", m.ID, err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		return fmt.Errorf("write e-mail %s: %w", m.ID, err)
	}
	return nil
}

// CleanName is a display name as the address headers carry it: valid
// UTF-8 without control characters, runs of white space as one space,
// trimmed. Anything else a customer types (quotes, backslashes, angle
// brackets, any script) goes into the header as it is, encoded by
// net/mail.Address.
func CleanName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, name)
	return strings.Join(strings.Fields(name), " ")
}

// setRecipient puts a in the To header (and the envelope).
// net/mail.Address.String Q-encodes a non-ASCII name that holds a backslash
// and none of the other specials, and that encoded word is not an atom, so
// no parser reads it back; such a name is B-encoded instead (the header is
// still made by the mime and net/mail encoders, never by hand).
func setRecipient(msg *gomail.Msg, a *netmail.Address) {
	p := netmail.AddressParser{WordDecoder: new(mime.WordDecoder)}
	if back, err := p.Parse(a.String()); err == nil && back.Name == a.Name && back.Address == a.Address {
		msg.ToMailAddress(a)
		return
	}
	bare := &netmail.Address{Address: a.Address}
	msg.BccMailAddress(bare) // the envelope only: go-mail never writes a Bcc header
	msg.SetGenHeaderPreformatted(gomail.Header(gomail.HeaderTo), mime.BEncoding.Encode("utf-8", a.Name)+" "+bare.String())
}

// parseAddress parses a configured address ("Name <a@b>" or "a@b").
func parseAddress(what, s string) (*netmail.Address, error) {
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", what, s, err)
	}
	return a, nil
}

// recipient is the customer's address header. It is built from
// net/mail.Address, never by formatting a string (a name with a quote or a
// backslash broke the formatted one). Errors name neither the customer nor
// their address: they are logged and kept in the mail queue.
func recipient(name, addr string) (*netmail.Address, error) {
	a, err := netmail.ParseAddress(addr)
	if err != nil || a.Name != "" {
		return nil, errors.New("the customer's e-mail address is not a plain address")
	}
	a.Name = CleanName(name)
	return a, nil
}
