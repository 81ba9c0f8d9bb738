package gql

import (
	"encoding/json"
	"testing"

	"github.com/bkgen/bkgen/runtime/db"
)

// TestPageSize: first, however the document gives it (a literal is int64,
// a variable float64 or json.Number), is the rows a list costs; absent or
// not positive, the default page; never more than the store's maximum.
func TestPageSize(t *testing.T) {
	for _, c := range []struct {
		first any
		want  int
	}{
		{nil, db.DefaultCount}, {int64(0), db.DefaultCount}, {-5, db.DefaultCount},
		{int64(7), 7}, {7, 7}, {float64(7), 7}, {json.Number("7"), 7},
		{int64(1 << 40), db.MaxCount}, {"x", db.DefaultCount},
	} {
		if got := pageSize(c.first); got != c.want {
			t.Errorf("pageSize(%#v) = %d, want %d", c.first, got, c.want)
		}
	}
}
