package metrics

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestStatsShape(t *testing.T) {
	r := New()
	defer r.Close()
	for i := range 100 {
		r.Request("url_todo_get", 200, time.Duration(i)*time.Millisecond)
	}
	r.Request("url_todo_get", 404, time.Millisecond)
	r.Request("url_todo_add", 500, time.Millisecond)
	r.Pool("sqlite", "get").Observe(2*time.Millisecond, false)
	r.Pool("sqlite", "put").Observe(3*time.Millisecond, true)
	r.Counter("busy").Add(2)
	s := r.Stats(Info{App: "x/1", Role: "web", Pool: "sqlite", Latency: func() time.Duration { return 5 * time.Millisecond }})
	want := map[string]any{"api_req_rcount": int64(102), "url_todo_get_rcount": int64(101), "api_200_0": int64(100), "api_404_0": int64(1),
		"url_todo_get_bad_0": int64(1), "url_todo_add_err_0": int64(1), "api_bad_0": int64(1), "pool_count": int64(2), "pool_err_0": int64(1),
		"busy_0": int64(2), "type": "web", "app": "x/1", "pool_name": "sqlite", "latency": int64(5)}
	for k, v := range want {
		if s[k] != v {
			t.Errorf("%s = %v (%T), want %v", k, s[k], s[k], v)
		}
	}
	// quantiles of 0..99 ms plus one 1 ms
	if med := s["url_todo_get_hmed"].(float64); med < 48 || med > 51 {
		t.Errorf("median %v", med)
	}
	if p99 := s["url_todo_get_h99p"].(float64); p99 < 97 || p99 > 99 {
		t.Errorf("p99 %v", p99)
	}
	for _, k := range []string{"rss_hmean", "heap_hmax", "id", "ip", "pid", "ctime", "mtime", "cpus", "mem", "pool_req_hmean", "pool_get_rcount", "url_todo_get_r1m"} {
		if _, ok := s[k]; !ok {
			t.Errorf("no %s", k)
		}
	}
}

func TestPrometheus(t *testing.T) {
	r := New()
	defer r.Close()
	r.Request("url_todo_get", 200, 3*time.Millisecond)
	r.Pool("pgsql", "select").Observe(20*time.Millisecond, true)
	w := httptest.NewRecorder()
	r.Handler(Gauge{Name: "bk_x_total", Help: "x", Counter: true, Value: func() float64 { return 7 }}).ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(w.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	h := fams["bk_http_request_duration_seconds"].GetMetric()[0].GetHistogram()
	if h.GetSampleCount() != 1 || h.GetSampleSum() < 0.003 {
		t.Fatalf("histogram %v", h)
	}
	if fams["bk_db_errors_total"].GetMetric()[0].GetCounter().GetValue() != 1 || fams["bk_x_total"].GetMetric()[0].GetCounter().GetValue() != 7 {
		t.Fatalf("counters: %v %v", fams["bk_db_errors_total"], fams["bk_x_total"])
	}
	// buckets are cumulative: 3 ms is in le=0.005 and above, not in le=0.0025
	for _, b := range h.GetBucket() {
		if want := uint64(0); b.GetUpperBound() >= 0.005 {
			want = 1
			if b.GetCumulativeCount() != want {
				t.Fatalf("bucket %v: %d", b.GetUpperBound(), b.GetCumulativeCount())
			}
		} else if b.GetCumulativeCount() != want {
			t.Fatalf("bucket %v: %d", b.GetUpperBound(), b.GetCumulativeCount())
		}
	}
}
