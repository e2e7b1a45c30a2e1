package server

import (
	"net"
	"net/http"
	"testing"

	"github.com/storefront/storefront/checkout/server/web"
)

func TestClientKey(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.7 ::1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		remote  string
		headers [][2]string
		want    string
	}{
		{"direct client", "198.51.100.1:5000", nil, "198.51.100.1"},
		{"direct client spoofs XFF", "198.51.100.1:5000", [][2]string{{"X-Forwarded-For", "203.0.113.9"}}, "198.51.100.1"},
		{"direct client spoofs Netlify", "198.51.100.1:5000", [][2]string{{"X-Nf-Client-Connection-Ip", "203.0.113.9"}}, "198.51.100.1"},
		{"proxy with Netlify header only", "10.1.2.3:443", [][2]string{{"X-Nf-Client-Connection-Ip", "203.0.113.9"}}, "203.0.113.9"},
		{"proxy, XFF before Netlify header", "10.1.2.3:443", [][2]string{{"X-Nf-Client-Connection-Ip", "1.1.1.1"}, {"X-Forwarded-For", "203.0.113.9"}}, "203.0.113.9"},
		{"proxy, right-most untrusted XFF", "10.1.2.3:443", [][2]string{{"X-Forwarded-For", "1.1.1.1, 203.0.113.9"}}, "203.0.113.9"},
		{"proxy chain skips trusted hops", "192.0.2.7:443", [][2]string{{"X-Forwarded-For", "1.1.1.1, 203.0.113.9, 10.9.9.9"}}, "203.0.113.9"},
		{"several XFF headers", "10.1.2.3:443", [][2]string{{"X-Forwarded-For", "1.1.1.1"}, {"X-Forwarded-For", "203.0.113.9"}}, "203.0.113.9"},
		{"proxy without headers", "10.1.2.3:443", nil, "10.1.2.3"},
		{"proxy, garbage XFF", "10.1.2.3:443", [][2]string{{"X-Forwarded-For", "1.1.1.1, nonsense"}}, "10.1.2.3"},
		{"IPv6 proxy", "[::1]:443", [][2]string{{"X-Forwarded-For", "2001:db8::5"}}, "2001:db8::5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, h := range tt.headers {
				r.Header.Add(h[0], h[1])
			}
			if got := web.ClientKeyFrom(r, proxies); got != tt.want {
				t.Errorf("clientKey = %q, want %q", got, tt.want)
			}
			host, _, _ := net.SplitHostPort(tt.remote)
			if got := web.ClientKeyFrom(r, nil); got != host {
				t.Errorf("no trusted proxies: clientKey = %q, want the connection's %q", got, host)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"", 0, false},
		{"127.0.0.1/32,::1/128", 2, false},
		{" 10.0.0.0/8 , 192.0.2.7 ", 2, false},
		{"10.0.0.0/33", 0, true},
		{"netlify", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseTrustedProxies(tt.in)
		if (err != nil) != tt.wantErr || len(got) != tt.want {
			t.Errorf("ParseTrustedProxies(%q) = %v, %v; want %d prefixes, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
