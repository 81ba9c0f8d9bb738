package metrics

import (
	"testing"
	"time"
)

// TestHistory adds samples by hand (no ticker): rates and percentiles of
// the interval, status classes, the ring keeping the newest.
func TestHistory(t *testing.T) {
	r := New()
	defer r.Close()
	h := &History{ring: make([]Sample, 3), every: time.Second}
	h.prev = r.totals(nil)
	h.prev.at = time.UnixMilli(1000)
	for range 90 {
		r.Request("url_todo_get", 200, 3*time.Millisecond) // bucket ≤ 5 ms
	}
	for range 10 {
		r.Request("url_todo_get", 500, 300*time.Millisecond) // bucket ≤ 500 ms
	}
	cur := r.totals(func() Totals { return Totals{CacheHits: 7, JobsOK: 2} })
	cur.at = time.UnixMilli(3000)
	h.add(cur)
	s := h.Samples(0)
	if len(s) != 1 {
		t.Fatalf("%d samples", len(s))
	}
	if got := s[0]; got.Rate != 50 || got.P50 != 5 || got.P95 != 500 || got.S2xx != 90 || got.S5xx != 10 || got.CacheHits != 7 || got.JobsOK != 2 {
		t.Fatalf("sample: %+v", got)
	}
	for i := range 4 { // the ring holds 3: the first two go
		next := r.totals(nil)
		next.at = time.UnixMilli(int64(4000 + 1000*i))
		h.add(next)
	}
	s = h.Samples(0)
	if len(s) != 3 || s[0].T != 5000 || s[2].T != 7000 || s[2].Rate != 0 {
		t.Fatalf("ring: %+v", s)
	}
	if s = h.Samples(6000); len(s) != 1 || s[0].T != 7000 {
		t.Fatalf("since: %+v", s)
	}
	if quantile(make([]uint64, 15), 0.5) != 0 {
		t.Fatal("the quantile of nothing")
	}
}
