package e2e

import (
	"strings"
	"testing"
)

func TestParseEuro(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "€ 14,50", want: 1450},
		{in: "€14.50", want: 1450},
		{in: "Prijs: €\u00a01.234,56 incl. btw", want: 123456},
		{in: "€ 1,234.56", want: 123456},
		{in: "EUR 9,95", want: 995},
		{in: "14,50 €", want: 1450},
		{in: "€ 25,-", want: 2500},
		{in: "€ 7", want: 700},
		{in: "€ 0,5", want: 50},
		{in: "Totaal € 62,40 (waarvan btw € 5,15)", want: 6240},
		{in: "no price here", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseEuro(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseEuro(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseEuro(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestMonotonic(t *testing.T) {
	tests := []struct {
		vals []int64
		asc  bool
		ok   bool
	}{
		{[]int64{100, 200, 200, 300}, true, true},
		{[]int64{300, 200, 200, 100}, false, true},
		{[]int64{100, 300, 200}, true, false},
		{[]int64{300, 100, 200}, false, false},
		{nil, true, true},
	}
	for _, tt := range tests {
		err := Monotonic(tt.vals, tt.asc)
		if (err == nil) != tt.ok {
			t.Errorf("Monotonic(%v, asc=%v) = %v, want ok=%v", tt.vals, tt.asc, err, tt.ok)
		}
	}
}

func TestLocalURL(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"http://127.0.0.1:4321/producten/", true},
		{"http://localhost/x.css", true},
		{"http://[::1]:80/", true},
		{"data:image/png;base64,AAAA", true},
		{"about:blank", true},
		{"https://fonts.googleapis.com/css", false},
		{"http://127.0.0.1.evil.example/", false},
		{"https://cdn.example.com/x.js", false},
	}
	for _, tt := range tests {
		if got := LocalURL(tt.in); got != tt.want {
			t.Errorf("LocalURL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseMessage(t *testing.T) {
	raw := strings.ReplaceAll(`From: Winkel <winkel@example.nl>
To: ada@example.nl
Subject: =?utf-8?q?Bestelling_SF-1042_ontvangen_=E2=80=93_betaald?=
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Totaal: =E2=82=AC 62,40
Bestelnummer SF-1042
--b1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

PHA+VG90YWFsOiDigqwgNjIsNDA8L3A+
--b1--
`, "\n", "\r\n")
	m, err := ParseMessage([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Bestelling SF-1042 ontvangen – betaald" {
		t.Errorf("subject = %q", m.Subject)
	}
	if m.To != "ada@example.nl" {
		t.Errorf("to = %q", m.To)
	}
	if !strings.Contains(m.Text, "Totaal: € 62,40") || !strings.Contains(m.Text, "SF-1042") {
		t.Errorf("text = %q", m.Text)
	}
	if m.HTML != "<p>Totaal: € 62,40</p>" {
		t.Errorf("html = %q", m.HTML)
	}
	if _, err := ParseMessage([]byte("not a message")); err == nil {
		t.Error("ParseMessage of garbage: no error")
	}
}
