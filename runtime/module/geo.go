package module

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/mmcloughlin/geohash"

	"github.com/bkgen/bkgen/runtime/db"
)

// The locations module stores each account's position as two geohashes
// (bk.LocationSchema): cell, CellChars characters (about 39 × 20 km), and
// geohash, HashChars characters. A search for the accounts within a
// distance covers the circle's bounding box with geohash cells, as coarse
// as keeps their number at most maxCells (CellChars at the coarsest); each
// cell is one indexed query (cell = its first CellChars characters,
// geohash begins with it), read nearest cell first.
const (
	CellChars = 4
	HashChars = 9
	maxCells  = 64
	maxCoarse = 256
)

// earthKm is the mean radius of the Earth.
const earthKm = 6371.0088

// CheckPoint refuses a latitude or longitude out of range (or not a number).
func CheckPoint(lat, lon float64) error {
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		return db.Invalid("location", "latitude", "must be between -90 and 90")
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		return db.Invalid("location", "longitude", "must be between -180 and 180")
	}
	return nil
}

// Hashes returns the cell and the geohash of a point.
func Hashes(lat, lon float64) (cell, hash string) {
	hash = geohash.EncodeWithPrecision(lat, lon, HashChars)
	return hash[:CellChars], hash
}

// Distance is the great-circle distance between two points in km.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Cell is one geohash cell a search reads: the rows with Cell equal to
// the first CellChars characters of Prefix and a geohash starting with
// Prefix. Min is the distance from the point to the cell.
type Cell struct {
	Prefix string
	Min    float64
}

// Key is the cell column's value of the cell's rows.
func (c Cell) Key() string { return c.Prefix[:CellChars] }

// Cover returns the cells that cover the circle of radius km around the
// point, nearest first: at most maxCells, or at CellChars characters up
// to maxCoarse (a wide circle far north or south); beyond that an error.
func Cover(lat, lon, km float64) ([]Cell, error) {
	dlat := km / (earthKm * math.Pi / 180)
	minLat, maxLat := math.Max(-90, lat-dlat), math.Min(90, lat+dlat)
	dlon := 180.0 // the circle reaches a pole: every longitude
	if c := math.Cos(math.Max(math.Abs(minLat), math.Abs(maxLat)) * math.Pi / 180); c > 1e-6 {
		dlon = math.Min(180, dlat/c)
	}
	var hashes map[string]bool
	for chars := uint(7); chars >= CellChars; chars-- {
		limit := maxCells
		if chars == CellChars {
			limit = maxCoarse
		}
		if hashes = cover(minLat, maxLat, lon-dlon, lon+dlon, chars, limit); hashes != nil {
			break
		}
	}
	if hashes == nil {
		return nil, db.Invalid("location", "distance", "%g km around this point is too wide a search: use a smaller distance", km)
	}
	cells := make([]Cell, 0, len(hashes))
	for h := range hashes {
		cells = append(cells, Cell{Prefix: h, Min: boxDistance(lat, lon, geohash.BoundingBox(h))})
	}
	sort.Slice(cells, func(i, j int) bool {
		if cells[i].Min != cells[j].Min {
			return cells[i].Min < cells[j].Min
		}
		return cells[i].Prefix < cells[j].Prefix
	})
	return cells, nil
}

// cover returns the geohashes of chars characters of the cells that meet
// the box: a geohash grid of one precision is uniform in degrees, so
// points a cell's height and width apart, plus the far edges, hit them all.
// It returns nil when that would be more than limit cells.
func cover(minLat, maxLat, minLon, maxLon float64, chars uint, limit int) map[string]bool {
	b := geohash.BoundingBox(geohash.EncodeWithPrecision(0, 0, chars))
	h, w := b.MaxLat-b.MinLat, b.MaxLng-b.MinLng
	if (math.Floor((maxLat-minLat)/h)+2)*(math.Floor((maxLon-minLon)/w)+2) > float64(limit)*2 {
		return nil // surely more than limit: not worth enumerating
	}
	out := map[string]bool{}
	for y := minLat; ; y += h {
		y = math.Min(y, maxLat)
		for x := minLon; ; x += w {
			x = math.Min(x, maxLon)
			if out[geohash.EncodeWithPrecision(y, wrapLon(x), chars)] = true; len(out) > limit {
				return nil
			}
			if x >= maxLon {
				break
			}
		}
		if y >= maxLat {
			break
		}
	}
	return out
}

func wrapLon(x float64) float64 {
	for x < -180 {
		x += 360
	}
	for x > 180 {
		x -= 360
	}
	return x
}

// boxDistance is the distance from the point to the nearest point of b.
func boxDistance(lat, lon float64, b geohash.Box) float64 {
	if b.Contains(lat, lon) {
		return 0
	}
	y := math.Max(b.MinLat, math.Min(b.MaxLat, lat))
	// the nearest longitude of the box, across the antimeridian too
	best := math.Inf(1)
	for _, x := range []float64{b.MinLng, b.MaxLng, math.Max(b.MinLng, math.Min(b.MaxLng, lon))} {
		best = math.Min(best, Distance(lat, lon, y, x))
	}
	return best
}

// Mark is where a page of a search ended: the last row's distance and id.
type Mark struct {
	Dist float64
	ID   string
}

func (m Mark) before(dist float64, id string) bool {
	return m.Dist < dist || m.Dist == dist && m.ID < id
}

// markCols are the kinds of a mark's values in its token.
var markCols = []*db.Column{{Name: "distance", Kind: db.KindFloat}, {Name: "id", Kind: db.KindString}}

// Seal is m as a next_token: sealed with the pool's token secret and bound
// to scope (the caller and the search), so a client reads nothing from it
// (the exact distance of the last row) and cannot make one.
func (m Mark) Seal(p *db.Pool, scope string) (string, error) {
	return p.EncodeToken(scope, []any{m.Dist, m.ID})
}

// OpenMark reads a next_token of Seal ("" is the first page).
func OpenMark(p *db.Pool, scope, token string) (*Mark, error) {
	if token == "" {
		return nil, nil
	}
	vals, err := p.DecodeToken(scope, token, markCols)
	if err != nil {
		return nil, db.Invalid("location", "_token", "not a token of this search")
	}
	dist, _ := vals[0].(float64)
	id, _ := vals[1].(string)
	return &Mark{Dist: dist, ID: id}, nil
}

// NearScope is the scope of the tokens of one account's search: a token
// resumes that search only.
func NearScope(id string, lat, lon, km float64) string {
	return fmt.Sprintf("bk_location.near\x00%s\x00%g,%g,%g", id, lat, lon, km)
}

// Rounded is a distance as the API shows it: to 0.1 km, so that a reply
// does not give an account's position to the metre.
func Rounded(km float64) float64 { return math.Round(km*10) / 10 }

// Near is a search: the accounts within Km of the point, nearest first,
// Count of them after After.
type Near struct {
	Lat, Lon, Km float64
	Count        int
	After        *Mark
	// MaxScan bounds the rows read for one page; past it the search is
	// refused (the area is too crowded for the distance).
	MaxScan int
}

// Found is a row of a search with its distance.
type Found[R any] struct {
	Row  R
	ID   string
	Dist float64
}

// Nearest runs a search over cells: scan calls yield with every row of a
// cell (false: stop early); pos gives a row's id and position. It returns
// the page and whether rows may follow it. Cells are read nearest first
// and reading stops when the page is full and the next cell is farther
// than its last row, so a page costs the cells up to its last row.
func Nearest[R any](ctx context.Context, n Near, scan func(ctx context.Context, c Cell, yield func(*R) bool) error, pos func(*R) (id string, lat, lon float64)) ([]Found[R], bool, error) {
	var found []Found[R]
	scanned := 0
	cells, err := Cover(n.Lat, n.Lon, n.Km)
	if err != nil {
		return nil, false, err
	}
	more := false
	for i, c := range cells {
		if c.Min > n.Km {
			break
		}
		if len(found) >= n.Count && c.Min > found[n.Count-1].Dist {
			more = true // rows may be there, past this page
			break
		}
		var over error
		err := scan(ctx, c, func(r *R) bool {
			if scanned++; n.MaxScan > 0 && scanned > n.MaxScan {
				over = db.Invalid("location", "distance", "too many accounts within %g km here: use a smaller distance", n.Km)
				return false
			}
			id, lat, lon := pos(r)
			d := Distance(n.Lat, n.Lon, lat, lon)
			if d > n.Km || n.After != nil && !n.After.before(d, id) {
				return true
			}
			found = append(found, Found[R]{Row: *r, ID: id, Dist: d})
			return true
		})
		if err == nil {
			err = over
		}
		if err != nil {
			return nil, false, err
		}
		sort.Slice(found, func(a, b int) bool {
			if found[a].Dist != found[b].Dist {
				return found[a].Dist < found[b].Dist
			}
			return found[a].ID < found[b].ID
		})
		if len(found) > n.Count {
			found, more = found[:n.Count], true
		}
		if i == len(cells)-1 {
			break
		}
	}
	return found, more, nil
}

// String is a cell for logs and errors.
func (c Cell) String() string { return fmt.Sprintf("%s (%.1f km)", c.Prefix, c.Min) }
