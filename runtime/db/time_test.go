package db

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	want := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2030-01-01", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00.000Z", "2030-01-01T01:00:00+01:00", "1893456000000", " 2030-01-01 "} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v", s, got, err)
		}
	}
	for _, s := range []string{"", "2030-13-01", "tomorrow", "2030-01-01T00:00", "1e12", "99999999999999999", "700000000000000"} {
		if _, err := ParseTime(s); err == nil || !strings.Contains(err.Error(), "Unix milliseconds") || strings.Contains(err.Error(), "2006") {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// FuzzParseTime: no input panics, a long one is cut in the message, and
// what it accepts survives the round trip through the reply format.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2030-01-01", "2030-01-01T00:00:00.123456Z", "1893456000000", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil {
			if len(err.Error()) > 400 {
				t.Fatalf("message of %d bytes", len(err.Error()))
			}
			return
		}
		back, err := ParseTime(got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Fatalf("%q -> %v -> %v %v", s, got, back, err)
		}
	})
}
