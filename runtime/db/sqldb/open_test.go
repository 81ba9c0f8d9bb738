package sqldb

import (
	"database/sql"
	"strings"
	"testing"
)

// TestSQLiteSync: -db-sqlite-sync selects the synchronous pragma of every
// connection; anything but normal or full is refused.
func TestSQLiteSync(t *testing.T) {
	for mode, want := range map[string]int{"normal": 1, "full": 2, "": 1, "FULL": 2} {
		p, err := OpenSQLiteSync(t.TempDir()+"/x.db", nil, mode)
		if err != nil {
			t.Fatal(err)
		}
		for _, conn := range []*sql.DB{Writer(p), Reader(p)} {
			var got int
			if err := conn.QueryRow("PRAGMA synchronous").Scan(&got); err != nil || got != want {
				t.Fatalf("%q: synchronous = %d (%v), want %d", mode, got, err, want)
			}
		}
		p.Close()
	}
	if _, err := OpenSQLiteSync(t.TempDir()+"/x.db", nil, "off"); err == nil || !strings.Contains(err.Error(), "want normal or full") {
		t.Fatalf("off: %v", err)
	}
}
