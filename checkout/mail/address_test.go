package mail

import (
	"bytes"
	"context"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// hardNames are the customers' names that once never got their e-mail:
// the To header was formatted as "%s" <%s>, which a quote or a trailing
// backslash breaks (issue 10 §3).
var hardNames = []string{`Sean O"Neil`, `Eva "Evi" Jansen`, `Jan Peters \`, `李伟`, `Zoë d'Ancona`,
	`"`, `\"`, `a\`, `Ünïcödé "quoted" \ <angle> @at, comma; semi`, `Ольга Петрова`, `Jürgen \ Back`}

// addressOf parses one address header of raw back (net/mail, RFC 2047 words decoded).
func addressOf(t interface{ Fatalf(string, ...any) }, raw []byte, header string) *netmail.Address {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, raw)
	}
	p := netmail.AddressParser{WordDecoder: new(mime.WordDecoder)}
	a, err := p.Parse(msg.Header.Get(header))
	if err != nil {
		t.Fatalf("%s %q does not parse: %v", header, msg.Header.Get(header), err)
	}
	return a
}

func TestHardNamesGetTheirEmailOverSMTP(t *testing.T) {
	port, got := fakeSMTP(t)
	s, err := NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, TLS: "none", From: `"Brandpunt \"Koffie\"" <winkel@example.nl>`})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range hardNames {
		addr := "klant" + string(rune('a'+i)) + "@example.org"
		m := Message{ID: "order_confirmation:SF-" + addr, Kind: "confirmation", To: addr, ToName: name,
			Subject: "Bestelling", Text: "t", HTML: "<p>t</p>", Created: time.Now(), ReplyTo: "Winkel <winkel@example.nl>"}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := s.Send(ctx, m)
		cancel()
		if err != nil {
			t.Errorf("Send to %q: %v", name, err)
			continue
		}
		var raw string
		select {
		case raw = <-got:
		case <-time.After(10 * time.Second):
			t.Fatalf("the SMTP server received nothing for %q", name)
		}
		if !strings.Contains(raw, "RCPT TO:<"+addr+">") {
			t.Errorf("%q: envelope recipient missing:\n%s", name, raw)
		}
		data := raw // the fake server puts the envelope lines first
		for strings.HasPrefix(data, "MAIL FROM") || strings.HasPrefix(data, "RCPT TO") {
			_, data, _ = strings.Cut(data, "\n")
		}
		a := addressOf(t, []byte(data), "To")
		if a.Name != name || a.Address != addr {
			t.Errorf("To parses back as %q <%s>; want %q <%s>", a.Name, a.Address, name, addr)
		}
		if f := addressOf(t, []byte(data), "From"); f.Name != `Brandpunt "Koffie"` || f.Address != "winkel@example.nl" {
			t.Errorf("From parses back as %q <%s>", f.Name, f.Address)
		}
		if r := addressOf(t, []byte(data), "Reply-To"); r.Name != "Winkel" || r.Address != "winkel@example.nl" {
			t.Errorf("Reply-To parses back as %q <%s>", r.Name, r.Address)
		}
	}
}

// TestAnyNameParsesBack: whatever a customer types as their name (any
// Unicode, quotes, backslashes, angle brackets, long runs), the message
// is built and its To header parses back to the same name and address.
func TestAnyNameParsesBack(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.OneOf(
			rapid.String(),
			rapid.StringN(60, 200, -1), // long names fold
			rapid.StringOf(rapid.SampledFrom([]rune(`"\'<>@,;: ()李ëЖ a`))),
			rapid.SampledFrom(hardNames),
		).Draw(t, "name")
		name = CleanName(name)
		local := rapid.StringMatching(`[a-z0-9]{1,8}([._+-][a-z0-9]{1,8}){0,2}`).Draw(t, "local")
		addr := local + "@example.org"
		var buf bytes.Buffer
		if err := Write(&buf, "Winkel <winkel@example.nl>", Message{ID: "x:1", To: addr, ToName: name, Subject: "s", Text: "t"}); err != nil {
			t.Fatalf("Write(%q): %v", name, err)
		}
		a := addressOf(t, buf.Bytes(), "To")
		if a.Name != name || a.Address != addr {
			t.Fatalf("To parses back as %q <%s>; want %q <%s>\n%s", a.Name, a.Address, name, addr, buf.String())
		}
	})
}

// TestBuildErrorsLeaveOutNameAndAddress: an address that cannot be used
// fails the send, and the error (logged, kept in the queue) holds neither
// the customer's name nor the address.
func TestBuildErrorsLeaveOutNameAndAddress(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf, "w@example.nl", Message{ID: "x:1", To: "not an address <Geheim", ToName: "Sean O\"Neil", Subject: "s", Text: "t"})
	if err == nil {
		t.Fatal("a broken address was accepted")
	}
	if text := err.Error(); strings.Contains(text, "Geheim") || strings.Contains(text, "Neil") {
		t.Errorf("error = %q; it names the customer", text)
	}
}
