package money

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		a    Amount
		cur  string
		want string
	}{
		{1000, "EUR", "10.00"},
		{-350, "EUR", "-3.50"},
		{5, "EUR", "0.05"},
		{-5, "EUR", "-0.05"},
		{0, "EUR", "0.00"},
		{1610, "EUR", "16.10"},
		{123456789, "EUR", "1234567.89"},
		{1000, "JPY", "1000"},
		{-7, "ISK", "-7"},
		{0, "jpy", "0"},
		{math.MaxInt64, "EUR", "92233720368547758.07"},
		{math.MinInt64, "EUR", "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := Format(tt.a, tt.cur); got != tt.want {
			t.Errorf("Format(%d, %s) = %q, want %q", tt.a, tt.cur, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	ok := []struct {
		s    string
		cur  string
		want Amount
	}{
		{"10.00", "EUR", 1000},
		{"-3.50", "EUR", -350},
		{"0.05", "EUR", 5},
		{"0.00", "EUR", 0},
		{"16.10", "EUR", 1610},
		{"1000", "JPY", 1000},
		{"-7", "ISK", -7},
		{"92233720368547758.07", "EUR", math.MaxInt64},
	}
	for _, tt := range ok {
		got, err := Parse(tt.s, tt.cur)
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q, %s) = %d, %v; want %d", tt.s, tt.cur, got, err, tt.want)
		}
	}
	bad := []struct{ s, cur string }{
		{"16.1", "EUR"}, {"16.100", "EUR"}, {"1,000.00", "EUR"}, {"+1.00", "EUR"}, {"1e3", "EUR"},
		{" 1.00", "EUR"}, {"1.00 ", "EUR"}, {"", "EUR"}, {"-", "EUR"}, {".50", "EUR"}, {"1.", "EUR"},
		{"01.00", "EUR"}, {"-0.00", "EUR"}, {"10", "EUR"}, {"10.00", "JPY"}, {"1.5", "JPY"},
		{"0x10", "JPY"}, {"--1.00", "EUR"}, {"1.0a", "EUR"}, {"١.٠٠", "EUR"},
		{"92233720368547758.08", "EUR"}, {"99999999999999999999.00", "EUR"},
	}
	for _, tt := range bad {
		got, err := Parse(tt.s, tt.cur)
		if err == nil {
			t.Errorf("Parse(%q, %s) = %d, want error", tt.s, tt.cur, got)
		} else if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q, %s) error %v does not wrap ErrSyntax", tt.s, tt.cur, err)
		}
	}
}

func TestDisplay(t *testing.T) {
	tests := []struct {
		a         Amount
		cur, lang string
		want      string
	}{
		{1450, "EUR", "nl", "€ 14,50"},
		{1450, "EUR", "en", "€14.50"},
		{123450, "EUR", "nl", "€ 1.234,50"},
		{123450, "EUR", "en", "€1,234.50"},
		{100000000, "EUR", "en", "€1,000,000.00"},
		{5, "EUR", "nl", "€ 0,05"},
		{-350, "EUR", "nl", "€ -3,50"},
		{-350, "EUR", "en", "-€3.50"},
		{1000, "JPY", "en", "¥1,000"},
		{1000, "CHF", "en", "CHF 10.00"},
		{1450, "EUR", "de", "€14.50"},
	}
	for _, tt := range tests {
		if got := Display(tt.a, tt.cur, tt.lang); got != tt.want {
			t.Errorf("Display(%d, %s, %s) = %q, want %q", tt.a, tt.cur, tt.lang, got, tt.want)
		}
	}
}

func ExampleFormat() {
	fmt.Println(Format(1450, "EUR"), Format(-350, "EUR"), Format(1000, "JPY"))
	// Output: 14.50 -3.50 1000
}

func ExampleDisplay() {
	fmt.Println(Display(123450, "EUR", "nl"))
	fmt.Println(Display(123450, "EUR", "en"))
	// Output:
	// € 1.234,50
	// €1,234.50
}
