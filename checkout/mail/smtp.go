package mail

import (
	"context"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends messages through the shop's mail server.
type SMTP struct {
	cfg SMTPConfig
}

// NewSMTP checks cfg and returns a sender; it does not connect yet.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &SMTP{cfg: cfg}, nil
}

// Send delivers m over one SMTP connection, within ctx and a 30 s timeout.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := build(s.cfg.From, m)
	if err != nil {
		return fmt.Errorf("build e-mail %s: %w", m.ID, err)
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	switch strings.ToLower(s.cfg.TLS) {
	case "tls":
		opts = append(opts, gomail.WithSSLPort(false))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Port != 0 {
		opts = append(opts, gomail.WithPort(s.cfg.Port))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client for %s: %w", s.cfg.Host, err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send e-mail %s via %s: %w", m.ID, s.cfg.Host, withoutAddress{err, m.To})
	}
	return nil
}

// withoutAddress is a send error whose text leaves out the recipient's
// address. go-mail lists the "affected recipient(s)", and mail servers
// repeat the address in their answer ("550 <eva@…>: unknown user"); the
// text goes into the log and the mail queue, which must not hold a
// customer's address (and a deleted customer's least of all).
type withoutAddress struct {
	err  error
	addr string
}

func (e withoutAddress) Error() string {
	text := e.err.Error()
	if e.addr == "" {
		return text
	}
	var b strings.Builder
	lower, addr := strings.ToLower(text), strings.ToLower(e.addr)
	for {
		i := strings.Index(lower, addr)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		b.WriteString("(recipient)")
		text, lower = text[i+len(addr):], lower[i+len(addr):]
	}
}

func (e withoutAddress) Unwrap() error { return e.err }
