package mail

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// SMTPConfig says how to reach the shop's mail server.
type SMTPConfig struct {
	Host     string // smtp.example.nl
	Port     int    // 587 (STARTTLS), 465 (TLS); 0 picks from TLS
	Username string
	Password string // never logged
	From     string // "Brandpunt Koffie <winkel@example.nl>"
	TLS      string // "starttls" (default), "tls" (implicit), "none" (only for a local relay)
}

// Enabled reports whether an SMTP server is configured at all.
func (c SMTPConfig) Enabled() bool { return c.Host != "" }

// Validate says what is wrong with the settings, in words a shop owner can act on.
func (c SMTPConfig) Validate() error {
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("SMTP host is empty (set SHOP_SMTP_HOST, or use an outbox directory)"))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("SMTP port %d is not a port number (SHOP_SMTP_PORT)", c.Port))
	}
	switch strings.ToLower(c.TLS) {
	case "", "starttls", "tls", "none":
	default:
		errs = append(errs, fmt.Errorf("SMTP TLS mode %q is unknown: use starttls, tls or none (SHOP_SMTP_TLS)", c.TLS))
	}
	if c.From == "" {
		errs = append(errs, errors.New("SMTP sender address is empty (set SHOP_SMTP_FROM, e.g. \"Shop <winkel@example.nl>\")"))
	} else if _, err := mail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("SMTP sender address %q is not an e-mail address (SHOP_SMTP_FROM): %v", c.From, err))
	}
	if (c.Username == "") != (c.Password == "") {
		errs = append(errs, errors.New("SMTP user name and password must be set together (SHOP_SMTP_USER, SHOP_SMTP_PASSWORD)"))
	}
	return errors.Join(errs...)
}
