package cli

import "testing"

func TestTrackingBody(t *testing.T) {
	for in, want := range map[string]string{
		"3SABC123":         "tracking_code=3SABC123",
		" JVGL0612345678 ": "tracking_code=JVGL0612345678",
		"https://jouw.postnl.nl/track/3SABC123-NL": "tracking_url=https://jouw.postnl.nl/track/3SABC123-NL",
	} {
		b, err := trackingBody(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		got := ""
		for k, v := range b {
			got = k + "=" + v
		}
		if got != want {
			t.Errorf("%q → %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"", "ftp://x/y", "3S ABC", "<script>", "ab"} {
		if _, err := trackingBody(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
