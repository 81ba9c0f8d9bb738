package db

import (
	"testing"
	"time"
)

// TestNTimeNullAllocs: scanning a NULL time allocates nothing (a page of rows
// with a null time column scans one per row); a time is kept as UTC.
func TestNTimeNullAllocs(t *testing.T) {
	var p *time.Time
	d := NTime{P: &p}
	if n := testing.AllocsPerRun(100, func() { d.Scan(nil) }); n != 0 || p != nil {
		t.Fatalf("%v allocations scanning NULL (%v), want 0 and nil", n, p)
	}
	at := time.Date(2026, 12, 7, 1, 2, 3, 0, time.FixedZone("x", 3600))
	if err := d.Scan(at); err != nil || p == nil || !p.Equal(at) || p.Location() != time.UTC {
		t.Fatalf("scan %v: %v, %v", at, p, err)
	}
}
