// Package mail renders the customer's e-mails (text and HTML with the same
// content), and delivers them: to an outbox directory of .eml files (demo,
// tests) or through SMTP with github.com/wneessen/go-mail.
package mail

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

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
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("sender %q: %w", from, err)
	}
	if m.ToName != "" {
		if err := msg.AddToFormat(m.ToName, m.To); err != nil {
			return nil, fmt.Errorf("recipient: %w", err)
		}
	} else if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("reply-to %q: %w", m.ReplyTo, err)
		}
	}
	if m.Created.IsZero() {
		msg.SetDate()
	} else {
		msg.SetDateWithValue(m.Created)
	}
	if m.ID != "" {
		domain := "storefront.local"
		if _, d, ok := strings.Cut(from, "@"); ok {
			domain = strings.Trim(d, "> ")
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
