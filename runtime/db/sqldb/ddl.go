package sqldb

import (
	"context"
	"strings"

	"github.com/bkgen/bkgen/runtime/db"
)

// CreateTable creates the table and its indexes when missing; on an existing
// table it adds the missing columns and indexes. Nothing is ever dropped or
// retyped, so existing rows keep every value.
func (s *sqlTable) CreateTable(ctx context.Context) error {
	t := s.t
	have, err := s.columnsInDB(ctx)
	if err != nil {
		return s.wrap("create", err)
	}
	var stmts []string
	if len(have) == 0 {
		defs := make([]string, 0, len(t.Columns)+1)
		for i := range t.Columns {
			defs = append(defs, s.columnDef(&t.Columns[i]))
		}
		defs = append(defs, "PRIMARY KEY ("+s.colList(t.Keys)+")")
		stmts = append(stmts, "CREATE TABLE IF NOT EXISTS "+quote(t.Name)+" ("+strings.Join(defs, ", ")+")")
	} else {
		for i := range t.Columns {
			c := &t.Columns[i]
			if have[c.Name] {
				continue
			}
			if c.Key > 0 {
				return db.Invalid(t.Name, c.Name, "cannot add a primary-key column to an existing table")
			}
			stmts = append(stmts, "ALTER TABLE "+quote(t.Name)+" ADD COLUMN "+s.columnDef(c))
		}
	}
	for _, ix := range t.Indexes {
		u := ""
		if ix.Unique {
			u = "UNIQUE "
		}
		if s.c.my {
			// MySQL 8 has no CREATE INDEX IF NOT EXISTS (MariaDB has)
			var found []string
			err := s.c.query(ctx, "SELECT index_name FROM information_schema.statistics WHERE table_schema = database() AND table_name = ? AND index_name = ?", []any{t.Name, ix.Name}, func() []any {
				found = append(found, "")
				return []any{db.Str{P: &found[len(found)-1]}}
			})
			if err != nil {
				return s.wrap("create", err)
			}
			if len(found) == 0 {
				stmts = append(stmts, "CREATE "+u+"INDEX "+quote(ix.Name)+" ON "+quote(t.Name)+" ("+s.colList(ix.Columns)+")")
			}
			continue
		}
		stmts = append(stmts, "CREATE "+u+"INDEX IF NOT EXISTS "+quote(ix.Name)+" ON "+quote(t.Name)+" ("+s.colList(ix.Columns)+")")
	}
	for _, q := range stmts {
		if _, err := s.c.exec(ctx, q, nil); err != nil {
			return s.wrap("create", err)
		}
	}
	return nil
}

// columnDef is "name type [NOT NULL] [DEFAULT v]". Columns that are not
// nullable get NOT NULL DEFAULT their default (or zero), so that rows that
// existed before the column was added read exactly as they compare.
func (s *sqlTable) columnDef(c *db.Column) string {
	d := s.d
	if c.AutoID {
		return quote(c.Name) + " " + d.autoID
	}
	def := quote(c.Name) + " " + d.colType(c, s.indexed(c))
	if c.Key > 0 {
		return def + " NOT NULL"
	}
	v := c.Default
	if c.Nullable || c.Kind == db.KindJSON {
		if v != nil {
			def += " DEFAULT " + d.literal(c.Kind, v)
		}
		return def
	}
	if v == nil {
		v = c.Kind.Zero()
	}
	return def + " NOT NULL DEFAULT " + d.literal(c.Kind, v)
}

// indexed reports a column of the primary key or of an index.
func (s *sqlTable) indexed(c *db.Column) bool {
	for _, k := range s.t.Keys {
		if &s.t.Columns[k] == c {
			return true
		}
	}
	for _, ix := range s.t.Indexes {
		for _, col := range ix.Columns {
			if &s.t.Columns[col] == c {
				return true
			}
		}
	}
	return false
}

func (s *sqlTable) columnsInDB(ctx context.Context) (map[string]bool, error) {
	q := "SELECT name FROM pragma_table_info(?)"
	switch {
	case s.c.pg != nil:
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1"
	case s.c.my:
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = database() AND table_name = ?"
	}
	var names []string
	err := s.c.query(ctx, q, []any{s.t.Name}, func() []any {
		names = append(names, "")
		return []any{db.Str{P: &names[len(names)-1]}}
	})
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	return have, err
}
