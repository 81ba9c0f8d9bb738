package module

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mmcloughlin/geohash"

	"github.com/bkgen/bkgen/runtime/db"
	_ "github.com/bkgen/bkgen/runtime/db/drivers"
	"github.com/bkgen/bkgen/runtime/pubsub"
)

func TestDistance(t *testing.T) {
	// Paris – London, about 344 km
	if d := Distance(48.8566, 2.3522, 51.5074, -0.1278); math.Abs(d-343.5) > 1.5 {
		t.Fatalf("Paris–London %v km", d)
	}
	if d := Distance(10, 20, 10, 20); d != 0 {
		t.Fatalf("same point %v", d)
	}
	// across the antimeridian
	if d := Distance(0, 179.99, 0, -179.99); d > 3 {
		t.Fatalf("across 180°: %v km", d)
	}
}

func TestCheckPoint(t *testing.T) {
	for _, p := range [][2]float64{{91, 0}, {-91, 0}, {0, 181}, {0, -180.5}, {math.NaN(), 0}, {0, math.NaN()}} {
		if CheckPoint(p[0], p[1]) == nil {
			t.Errorf("%v accepted", p)
		}
	}
	for _, p := range [][2]float64{{90, 180}, {-90, -180}, {0, 0}} {
		if err := CheckPoint(p[0], p[1]); err != nil {
			t.Errorf("%v refused: %v", p, err)
		}
	}
}

// TestCover: every point within the distance lies in one of the cells,
// the cells are nearest first, and their number is bounded.
func TestCover(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		lat, lon := r.Float64()*170-85, r.Float64()*360-180
		km := []float64{0.2, 1, 5, 20, 50}[i%5]
		cells, err := Cover(lat, lon, km)
		if err != nil {
			t.Fatalf("%v,%v %v km: %v", lat, lon, km, err)
		}
		if len(cells) == 0 || len(cells) > maxCoarse {
			t.Fatalf("%v,%v %v km: %d cells", lat, lon, km, len(cells))
		}
		if !sort.SliceIsSorted(cells, func(a, b int) bool { return cells[a].Min < cells[b].Min }) {
			t.Fatalf("cells not nearest first: %v", cells)
		}
		for range 50 {
			// a point within km: a random bearing and distance
			b, d := r.Float64()*2*math.Pi, r.Float64()*km*0.999
			plat := lat + d/111.195*math.Cos(b)
			plon := lon + d/(111.195*math.Cos(plat*math.Pi/180))*math.Sin(b)
			if plat > 90 || plat < -90 {
				continue
			}
			plon = wrapLon(plon)
			if Distance(lat, lon, plat, plon) > km {
				continue
			}
			_, h := Hashes(plat, plon)
			found := false
			for _, c := range cells {
				if strings.HasPrefix(h, c.Prefix) {
					found = true
					if c.Min > Distance(lat, lon, plat, plon)+1e-9 {
						t.Fatalf("cell %v is nearer than %v km", c, Distance(lat, lon, plat, plon))
					}
				}
			}
			if !found {
				t.Fatalf("%v,%v within %v km of %v,%v is in none of %v", plat, plon, km, lat, lon, cells)
			}
		}
	}
	if _, err := Cover(85, 0, 50); err != nil {
		t.Fatalf("far north: %v", err)
	}
	// a circle around a pole takes every longitude: refused, not thousands of queries
	if _, err := Cover(89.99, 0, 50); err == nil {
		t.Fatal("a search around the pole was accepted")
	}
	if _, err := Cover(0, 0, 20000); err == nil {
		t.Fatal("a search of the whole earth was accepted")
	}
}

type place struct {
	id       string
	lat, lon float64
}

// TestNearest pages through random places nearest first with no gap or
// repeat, against a brute-force answer.
func TestNearest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var places []place
	for i := range 400 {
		places = append(places, place{fmt.Sprintf("p%03d", i), 48.85 + r.NormFloat64()*0.05, 2.35 + r.NormFloat64()*0.08})
	}
	cells := map[string][]place{}
	for _, p := range places {
		cell, _ := Hashes(p.lat, p.lon)
		cells[cell] = append(cells[cell], p)
	}
	reads := 0
	scan := func(_ context.Context, c Cell, yield func(*place) bool) error {
		reads++
		for _, p := range cells[c.Key()] {
			if _, h := Hashes(p.lat, p.lon); strings.HasPrefix(h, c.Prefix) && !yield(&p) {
				return nil
			}
		}
		return nil
	}
	pos := func(p *place) (string, float64, float64) { return p.id, p.lat, p.lon }
	pool := memoryPool(t)
	for _, km := range []float64{0.5, 3, 10} {
		var want []string
		for _, p := range places {
			if Distance(48.85, 2.35, p.lat, p.lon) <= km {
				want = append(want, p.id)
			}
		}
		sort.Slice(want, func(a, b int) bool {
			pa, pb := places[idx(want[a])], places[idx(want[b])]
			return Distance(48.85, 2.35, pa.lat, pa.lon) < Distance(48.85, 2.35, pb.lat, pb.lon)
		})
		var got []string
		var after *Mark
		for page := 0; page < 100; page++ {
			found, more, err := Nearest(context.Background(), Near{Lat: 48.85, Lon: 2.35, Km: km, Count: 7, After: after}, scan, pos)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range found {
				got = append(got, f.ID)
			}
			if !more || len(found) == 0 {
				break
			}
			tok, err := Mark{Dist: found[len(found)-1].Dist, ID: found[len(found)-1].ID}.Seal(pool, "s")
			if err != nil {
				t.Fatal(err)
			}
			m, err := OpenMark(pool, "s", tok)
			if err != nil {
				t.Fatal(err)
			}
			after = m
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("%v km: got %d places %v, want %d %v", km, len(got), got, len(want), want)
		}
	}
	// the scan bound refuses a crowded area
	if _, _, err := Nearest(context.Background(), Near{Lat: 48.85, Lon: 2.35, Km: 10, Count: 7, MaxScan: 10}, scan, pos); err == nil {
		t.Fatal("MaxScan was not enforced")
	}
	_ = geohash.Validate
}

func idx(id string) int {
	var n int
	fmt.Sscanf(id, "p%d", &n)
	return n
}

func memoryPool(t *testing.T) *db.Pool {
	pools, err := db.Open(context.Background(), db.Config{Pool: "memory"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pools.Close)
	return pools.Default
}

// TestMarkToken: a search's token is sealed: it round-trips, says nothing,
// and is refused for another search or when changed.
func TestMarkToken(t *testing.T) {
	p := memoryPool(t)
	tok, err := Mark{Dist: 2.5, ID: "a,b"}.Seal(p, NearScope("me", 1, 2, 10))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(tok, "2.5") {
		t.Fatalf("the token shows the distance: %s", tok)
	}
	m, err := OpenMark(p, NearScope("me", 1, 2, 10), tok)
	if err != nil || m.Dist != 2.5 || m.ID != "a,b" {
		t.Fatalf("round trip: %v %v", m, err)
	}
	for _, c := range []struct{ scope, tok string }{
		{NearScope("other", 1, 2, 10), tok}, {NearScope("me", 1, 2, 11), tok}, {NearScope("me", 1, 2, 10), tok[:len(tok)-2] + "AA"}, {NearScope("me", 1, 2, 10), "garbage!"},
	} {
		if _, err := OpenMark(p, c.scope, c.tok); err == nil {
			t.Errorf("%q accepted for %q", c.tok, c.scope)
		}
	}
	if m, err := OpenMark(p, "x", ""); m != nil || err != nil {
		t.Fatalf("no token: %v %v", m, err)
	}
	if Rounded(1.26) != 1.3 || Rounded(0.04) != 0 {
		t.Fatal("Rounded")
	}
}

func TestMID(t *testing.T) {
	mid := MID(1733155200000, "abc")
	if !strings.HasPrefix(mid, "0001733155200000:") {
		t.Fatalf("MID %q", mid)
	}
	if MID(9, "a") > MID(10, "a") {
		t.Fatal("MIDs do not sort by time")
	}
	if n, other, ok := ParseMID(mid); !ok || n != 1733155200000 || other != "abc" {
		t.Fatalf("ParseMID: %v %v %v", n, other, ok)
	}
	for _, bad := range []string{"", "12:a", "000000000000000x:a", MID(1, "")} {
		if _, _, ok := ParseMID(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestIDs(t *testing.T) {
	ids, err := IDs("t", "id", " a, b,,a ,c", 3)
	if err != nil || strings.Join(ids, ",") != "a,b,c" {
		t.Fatalf("%v %v", ids, err)
	}
	if _, err := IDs("t", "id", "a,b,c,d", 3); err == nil {
		t.Fatal("too many accepted")
	}
	if _, err := IDs("t", "id", " , ", 3); err == nil {
		t.Fatal("none accepted")
	}
}

func TestConnectionType(t *testing.T) {
	p := NewParams([]string{"follow", "like"})
	for _, ok := range []string{"like", "follow"} {
		if err := p.ConnectionType(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "hug", "LIKE", "like:x", strings.Repeat("a", 40)} {
		if p.ConnectionType(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestPoll: a long poll returns the events queued when it reads, filtered
// by the pattern, and [] when its time is up.
func TestPoll(t *testing.T) {
	bus := pubsub.NewLocal()
	ctx := context.Background()
	msgs, stop := bus.Subscribe(ctx, Topic("a"))
	defer stop()
	for _, e := range []Event{{ID: "a", Type: "message", Op: "add"}, {ID: "a", Type: "reference", Op: "add"}, {ID: "b", Type: "message", Op: "add"}} {
		Publish(ctx, bus, e)
	}
	var got []Event
	if err := json.Unmarshal((Subscription{ID: "a"}).poll(ctx, msgs), &got); err != nil || len(got) != 2 || got[0].Type != "message" || got[1].Type != "reference" || got[0].Mtime == 0 {
		t.Fatalf("poll: %v %v", got, err)
	}
	Publish(ctx, bus, Event{ID: "a", Type: "message", Op: "add"})
	Publish(ctx, bus, Event{ID: "a", Type: "reference", Op: "del"})
	// with an interval, both queued events come in one reply
	s := Subscription{ID: "a", Match: regexp.MustCompile("^reference:"), Interval: time.Millisecond}
	if err := json.Unmarshal(s.poll(ctx, msgs), &got); err != nil || len(got) != 1 || got[0].Op != "del" {
		t.Fatalf("matched poll: %v %v", got, err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if b := (Subscription{ID: "a"}).poll(done, msgs); string(b) != "[]" {
		t.Fatalf("poll past its time: %s", b)
	}
}

// TestServe: the status line comes once subscribed, then the events.
func TestServe(t *testing.T) {
	bus := pubsub.NewLocal()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Subscription{ID: "a", Timeout: time.Minute}.Serve(w, r, bus)
	}))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("content type %q", res.Header.Get("Content-Type"))
	}
	Publish(context.Background(), bus, Event{ID: "a", Type: "account", Op: "update"})
	var got []Event
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil || len(got) != 1 || got[0].Type != "account" {
		t.Fatalf("%v %v", got, err)
	}
}
