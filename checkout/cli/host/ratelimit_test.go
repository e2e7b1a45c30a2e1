package host

import "testing"

func TestRateLimitFromEnv(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"", 0, false}, {"off", -1, false}, {" OFF ", -1, false}, {"45", 45, false},
		{"0", 0, true}, {"-3", 0, true}, {"lots", 0, true},
	}
	for _, tt := range tests {
		got, err := rateLimitFromEnv(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("rateLimitFromEnv(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
