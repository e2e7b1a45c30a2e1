package mail

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
)

func TestUnsubscribeHeaders(t *testing.T) {
	tests := []struct {
		name     string
		links    []string
		list     string
		oneClick bool
	}{
		{"https with mailto", []string{"https://shop.example/api/subscriptions/unsubscribe/T", "mailto:winkel@shop.example?subject=unsubscribe"},
			"<https://shop.example/api/subscriptions/unsubscribe/T>, <mailto:winkel@shop.example?subject=unsubscribe>", true},
		{"http demo", []string{"http://localhost:1313/api/subscriptions/unsubscribe/T"}, "<http://localhost:1313/api/subscriptions/unsubscribe/T>", false},
		{"order mail", nil, "", false},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		m := Message{ID: "digest:x", Kind: "digest", To: "eva@example.nl", Subject: "s", Text: "t", Unsubscribe: tt.links}
		if err := Write(&b, "Shop <winkel@shop.example>", m); err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(&b)
		if err != nil {
			t.Fatal(err)
		}
		if got := msg.Header.Get("List-Unsubscribe"); got != tt.list {
			t.Errorf("%s: List-Unsubscribe %q, want %q", tt.name, got, tt.list)
		}
		post := msg.Header.Get("List-Unsubscribe-Post")
		if (post == "List-Unsubscribe=One-Click") != tt.oneClick || (!tt.oneClick && post != "") {
			t.Errorf("%s: List-Unsubscribe-Post %q", tt.name, post)
		}
	}
}

func TestRetentionMailsRender(t *testing.T) {
	rr := ReviewRequest{Lang: "en", ShopName: "Brandpunt", Number: "BK-2026-000001", CustomerName: "Eva",
		Products:  []ReviewProduct{{Title: "Guji <b>", URL: "https://shop.example/order/T/review?product=guji"}},
		OptOutURL: "https://shop.example/order/T/review/opt-out"}
	subj, text, html, err := rr.Render()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(subj, "BK-2026-000001") || !strings.Contains(text, "Hello Eva,") || !strings.Contains(text, rr.OptOutURL) ||
		!strings.Contains(html, "Guji &lt;b&gt;") || !strings.Contains(html, `href="https://shop.example/order/T/review?product=guji&amp;lang=en"`) {
		t.Errorf("review request:\n%s\n%s\n%s", subj, text, html)
	}
	if _, text, _, _ := (ReviewRequest{Lang: "nl", Number: "X"}).Render(); !strings.HasPrefix(text, "Hallo,") {
		t.Errorf("no name: %q", text[:20])
	}

	c := SubscribeConfirm{Lang: "nl", ShopName: "Brandpunt", Label: "Koffie", ConfirmURL: "https://shop.example/api/subscriptions/confirm/C"}
	subj, text, html, err = c.Render()
	if err != nil || !strings.Contains(subj, "Koffie") || !strings.Contains(text, c.ConfirmURL) || !strings.Contains(html, c.ConfirmURL) {
		t.Errorf("confirm: %v\n%s\n%s", err, subj, text)
	}

	d := DigestMail{Lang: "en", ShopName: "Brandpunt", UnsubscribeURL: "https://shop.example/u/ALL",
		Sections: []DigestSection{{Label: "Coffee", UnsubscribeURL: "https://shop.example/u/ONE",
			Products: []DigestProduct{{Title: "Kenya", URL: "https://shop.example/kenya/", Price: "€ 14,50"}}}}}
	subj, text, html, err = d.Render()
	if err != nil || subj != "New at Brandpunt: Coffee" || !strings.Contains(text, "- Kenya · € 14,50") ||
		!strings.Contains(text, "No more news about Coffee: https://shop.example/u/ONE") || !strings.Contains(html, "https://shop.example/u/ALL") {
		t.Errorf("digest: %v\n%s\n%s\n%s", err, subj, text, html)
	}
}
