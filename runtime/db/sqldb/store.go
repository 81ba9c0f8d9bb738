package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/bkgen/bkgen/runtime/db"

	"github.com/jackc/pgx/v5"
)

// sqlStore is a table's backend on a SQL pool: the typed operations, over
// sqlTable, which has everything that needs no row type (the statements,
// conditions, keysets, built once), so that it is compiled once and not once
// per table (db.Schema and db.Backend say why).
type sqlStore[R any] struct {
	tab *sqlTable // its Rowless
	rt  *db.Table[R]
}

// Rowless is the table's operations that need no row type (db.Backend).
func (s *sqlStore[R]) Rowless() db.RowlessOps { return s.tab }

// sqlTable is the part of a table's SQL backend that needs no row type.
type sqlTable struct {
	t *db.Schema
	p *db.Pool
	c *conn
	d *dialect

	qtable string   // the quoted table name
	qcols  []string // the quoted column names, by position: built once, not per statement

	cols      string // quoted list of every column
	keyWhere  string // k1 = ? AND k2 = ? (placeholders from 1)
	autoCol   int    // AutoID column, or -1
	getSQL    string
	insertSQL string
	insertNoA string // insert without the AutoID column, RETURNING it
	putSQL    string
	putIfSQL  string // putSQL's upsert up to the WHERE of a conditional put
	delSQL    string
	incrSQL   string
	incrHead  string // incrSQL up to its WHERE
	incrGuard string // the overflow guard of its WHERE, if any
	listOne   string // SELECT … WHERE, for List
}

func newSQLStore[R any](p *db.Pool, c *conn, t *db.Table[R]) *sqlStore[R] {
	tab := newSQLTable(p, c, &t.Schema)
	return &sqlStore[R]{tab: tab, rt: t}
}

// newSQLTable builds the statements of table t once.
func newSQLTable(p *db.Pool, c *conn, t *db.Schema) *sqlTable {
	s := &sqlTable{t: t, p: p, c: c, d: c.d, autoCol: -1, qtable: quote(t.Name), qcols: make([]string, len(t.Columns))}
	for i := range t.Columns {
		s.qcols[i] = quote(t.Columns[i].Name)
	}
	d := s.d
	q := quote(t.Name)
	all := make([]int, len(t.Columns))
	for i := range all {
		all[i] = i
	}
	s.cols = s.colList(all)
	var kw strings.Builder
	for i, k := range t.Keys {
		if i > 0 {
			kw.WriteString(" AND ")
		}
		kw.WriteString(quote(t.Columns[k].Name) + " = " + d.ph(i+1))
	}
	s.keyWhere = kw.String()
	s.getSQL = "SELECT " + s.cols + " FROM " + q + " WHERE " + s.keyWhere + " LIMIT 1"
	s.delSQL = "DELETE FROM " + q + " WHERE " + s.keyWhere
	s.insertSQL = "INSERT INTO " + q + " (" + s.cols + ") VALUES (" + s.phList(1, len(all)) + ")"
	for i := range t.Columns {
		if t.Columns[i].AutoID {
			s.autoCol = i
			rest := make([]int, 0, len(all)-1)
			for _, c := range all {
				if c != i {
					rest = append(rest, c)
				}
			}
			s.insertNoA = "INSERT INTO " + q + " (" + s.colList(rest) + ") VALUES (" + s.phList(1, len(rest)) + ")"
			if !d.duplicate {
				s.insertNoA += " RETURNING " + quote(t.Columns[i].Name)
			}
		}
	}
	keys := s.colList(t.Keys)
	var put, incr, guard []string
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Key > 0 {
			continue
		}
		n := quote(c.Name)
		in := d.incoming(n)
		put = append(put, n+" = "+in)
		switch {
		case c.Counter:
			incr = append(incr, n+" = "+q+"."+n+" + "+in)
			if c.Kind == db.KindInt {
				// the sum stays a 64-bit integer (SQLite would turn it into a
				// float, PostgreSQL fail): written so that no part overflows
				o, d := q+"."+n, in
				guard = append(guard, "("+o+" IS NULL OR "+d+" >= 0 AND "+o+" <= 9223372036854775807 - "+d+" OR "+d+" < 0 AND "+o+" >= (-9223372036854775807 - 1) - "+d+")")
			}
		case c.Now:
			incr = append(incr, n+" = "+in)
		}
	}
	if d.duplicate {
		s.duplicateStatements(put, incr)
		s.listOne = "SELECT " + s.cols + " FROM " + q + " WHERE "
		return s
	}
	if len(put) == 0 {
		s.putSQL = s.insertSQL + " ON CONFLICT (" + keys + ") DO NOTHING"
		// a conditional put needs a DO UPDATE to carry its WHERE
		k := quote(t.Columns[t.Keys[0]].Name)
		s.putIfSQL = s.insertSQL + " ON CONFLICT (" + keys + ") DO UPDATE SET " + k + " = excluded." + k + " WHERE "
	} else {
		s.putSQL = s.insertSQL + " ON CONFLICT (" + keys + ") DO UPDATE SET " + strings.Join(put, ", ")
		s.putIfSQL = s.putSQL + " WHERE "
	}
	if len(incr) > 0 {
		s.incrHead = s.insertSQL + " ON CONFLICT (" + keys + ") DO UPDATE SET " + strings.Join(incr, ", ")
		s.incrGuard = strings.Join(guard, " AND ")
		s.incrSQL = s.incrHead
		if s.incrGuard != "" {
			s.incrSQL += " WHERE " + s.incrGuard
		}
		s.incrSQL += " RETURNING " + s.cols
	}
	s.listOne = "SELECT " + s.cols + " FROM " + q + " WHERE "
	return s
}

func (s *sqlTable) colList(cols []int) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.qcols[c])
	}
	return b.String()
}

func (s *sqlTable) phList(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.d.ph(from + i))
	}
	return b.String()
}

// dests returns scan targets for cols of r.
func (s *sqlStore[R]) dests(r *R, cols []int, buf []any) []any {
	buf = buf[:0]
	for _, c := range cols {
		buf = append(buf, s.rt.Dest(r, c))
	}
	return buf
}

func (s *sqlStore[R]) allDests(r *R, buf []any) []any {
	buf = buf[:0]
	for c := range s.tab.t.Columns {
		buf = append(buf, s.rt.Dest(r, c))
	}
	return buf
}

// binds turns a row's canonical values into the bound values of its
// columns, in place, leaving out column skip (-1: none).
func (s *sqlTable) binds(vals []any, skip int) ([]any, error) {
	if err := s.t.CheckTexts(vals); err != nil {
		return nil, err
	}
	args := vals[:0]
	for c, v := range vals {
		if c != skip {
			args = append(args, s.d.bind(v))
		}
	}
	return args, nil
}

func (s *sqlTable) bindKey(vals []any) ([]any, error) {
	for i, v := range vals {
		if err := db.CheckText(v); err != nil {
			return nil, &db.ValidationError{Table: s.t.Name, Column: s.t.Columns[s.t.Keys[i]].Name, Msg: err.Error()}
		}
		vals[i] = s.d.bind(v)
	}
	return vals, nil
}

func (s *sqlTable) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if s.d.isUnique(err) {
		return db.ErrExists
	}
	if s.c.my {
		if e := mysqlError(s.t.Name, err); e != nil {
			return e
		}
	}
	var e *db.Error
	var v *db.ValidationError
	if errors.As(err, &e) || errors.As(err, &v) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if db.Outage(err) {
		return db.Unavailable(op+" "+s.t.Name+" ("+s.d.name+")", err)
	}
	return fmt.Errorf("%s %s (%s): %w", op, s.t.Name, s.d.name, err)
}

// --- low-level execution on either driver

func (c *conn) exec(ctx context.Context, q string, args []any) (int64, error) {
	if c.pg != nil {
		tag, err := c.pg.Exec(ctx, q, args...)
		if err != nil {
			return 0, err
		}
		return tag.RowsAffected(), nil
	}
	var res sql.Result
	var err error
	if st := c.preparedFor(ctx, true, q, args); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = c.w.ExecContext(ctx, q, args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// preparedFor is the prepared statement of q when it takes arguments, on
// the writer or the readers (pgx caches its statements itself).
func (c *conn) preparedFor(ctx context.Context, write bool, q string, args []any) *sql.Stmt {
	switch {
	case len(args) == 0:
		return nil
	case write || c.my:
		return c.stmts.prepared(ctx, c.w, q)
	}
	return c.rstmts.prepared(ctx, c.r, q)
}

var errNoRows = errors.New("no rows")

func (c *conn) queryRow(ctx context.Context, write bool, q string, args []any, dest []any) error {
	var err error
	if c.pg != nil {
		err = c.pg.QueryRow(ctx, q, args...).Scan(dest...)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNoRows
		}
		return err
	}
	db := c.r
	if write {
		db = c.w
	}
	if st := c.preparedFor(ctx, write, q, args); st != nil {
		err = st.QueryRowContext(ctx, args...).Scan(dest...)
	} else {
		err = db.QueryRowContext(ctx, q, args...).Scan(dest...)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return errNoRows
	}
	return err
}

// query runs q and scans every row into the targets next returns for it.
func (c *conn) query(ctx context.Context, q string, args []any, next func() []any) error {
	if c.pg != nil {
		rows, err := c.pg.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return db.ScanRows(rows, next)
	}
	var rows *sql.Rows
	var err error
	if st := c.preparedFor(ctx, false, q, args); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = c.r.QueryContext(ctx, q, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	return db.ScanRows(rows, next)
}

// --- operations

// Get reads the row with the full primary key key (canonical values in key
// order), or returns db.ErrNotFound.
func (s *sqlStore[R]) Get(ctx context.Context, key []any) (*R, error) {
	key, err := s.tab.bindKey(key)
	if err != nil {
		return nil, err
	}
	r := new(R)
	var buf [32]any
	err = s.tab.c.queryRow(ctx, false, s.tab.getSQL, key, s.allDests(r, buf[:0]))
	if err == errNoRows {
		return nil, db.ErrNotFound
	}
	if err != nil {
		return nil, s.tab.wrap("get", err)
	}
	return r, nil
}

// Add inserts r, prepared by the generated code; db.ErrExists when the key is
// taken. An AutoID key left at zero is assigned by the database and written
// back into r.
func (s *sqlStore[R]) Add(ctx context.Context, r *R) error {
	vals, err := db.RowValues(s.rt, r)
	if err != nil {
		return err
	}
	if s.tab.autoCol >= 0 {
		if vals[s.tab.autoCol] == int64(0) {
			args, err := s.tab.binds(vals, s.tab.autoCol)
			if err != nil {
				return err
			}
			if s.tab.d.duplicate {
				return s.tab.wrap("add", s.tab.addAuto(ctx, args, s.rt.Dest(r, s.tab.autoCol)))
			}
			err = s.tab.c.queryRow(ctx, true, s.tab.insertNoA, args, []any{s.rt.Dest(r, s.tab.autoCol)})
			return s.tab.wrap("add", err)
		}
	}
	args, err := s.tab.binds(vals, -1)
	if err != nil {
		return err
	}
	_, err = s.tab.c.exec(ctx, s.tab.insertSQL, args)
	return s.tab.wrap("add", err)
}

// Put inserts r or replaces every column of the existing row with that key.
// With expect, an existing row is replaced only when it matches every
// condition, in the same statement (no read-then-write race): otherwise
// nothing is written and the error is db.ErrCondition.
func (s *sqlStore[R]) Put(ctx context.Context, r *R, expect []db.Cond) error {
	vals, err := db.RowValues(s.rt, r)
	if err != nil {
		return err
	}
	return s.tab.put(ctx, vals, expect)
}

func (s *sqlTable) put(ctx context.Context, vals []any, expect []db.Cond) error {
	args, err := s.binds(vals, -1)
	if err != nil {
		return err
	}
	if len(expect) == 0 {
		_, err = s.c.exec(ctx, s.putSQL, args)
		return s.wrap("put", err)
	}
	if s.d.duplicate {
		return s.wrap("put", s.putIf(ctx, args, expect))
	}
	b := &builder{d: s.d, args: args, table: s.qtable + "."}
	b.sql.WriteString(s.putIfSQL)
	if err := s.where(b, expect, false); err != nil {
		return err
	}
	n, err := s.c.exec(ctx, b.sql.String(), b.args)
	if err != nil {
		return s.wrap("put", err)
	}
	if n == 0 { // the row was there and the WHERE of DO UPDATE refused it
		return db.ErrCondition
	}
	return nil
}

// Del deletes the row with key; a missing row is not an error.
func (s *sqlTable) Del(ctx context.Context, key []any) error {
	key, err := s.bindKey(key)
	if err != nil {
		return err
	}
	_, err = s.c.exec(ctx, s.delSQL, key)
	return s.wrap("del", err)
}

// Incr adds the counter values of r (prepared by the generated code: key,
// deltas, now columns and defaults) to the stored row, creating it from r
// when missing, and returns the row as stored. With expect, an existing row
// is changed only when it matches every condition, in the same statement;
// otherwise the error is db.ErrCondition (which then also covers an overflow).
func (s *sqlStore[R]) Incr(ctx context.Context, r *R, expect []db.Cond) (*R, error) {
	if s.tab.incrSQL == "" {
		return nil, db.Invalid(s.tab.t.Name, "", "table has no counter columns")
	}
	vals, err := db.RowValues(s.rt, r)
	if err != nil {
		return nil, err
	}
	out := new(R)
	var buf [32]any
	if err := s.tab.incr(ctx, vals, expect, s.allDests(out, buf[:0])); err != nil {
		return nil, err
	}
	return out, nil
}

// incr runs Incr on a row's canonical values and scans the row as stored
// into dest.
func (s *sqlTable) incr(ctx context.Context, vals []any, expect []db.Cond, dest []any) error {
	args, err := s.binds(vals, -1)
	if err != nil {
		return err
	}
	if s.d.duplicate {
		return s.wrap("incr", s.incrTx(ctx, args, expect, dest))
	}
	query := s.incrSQL
	if len(expect) > 0 {
		b := &builder{d: s.d, args: args, table: s.qtable + "."}
		b.sql.WriteString(s.incrHead + " WHERE ")
		if s.incrGuard != "" {
			b.sql.WriteString(s.incrGuard + " AND ")
		}
		if err := s.where(b, expect, false); err != nil {
			return err
		}
		b.sql.WriteString(" RETURNING " + s.cols)
		query, args = b.sql.String(), b.args
	}
	err = s.c.queryRow(ctx, true, query, args, dest)
	if err == errNoRows { // the row is there and the WHERE of DO UPDATE refused it
		if len(expect) > 0 {
			return db.ErrCondition
		}
		return db.ErrOverflow
	}
	return s.wrap("incr", err)
}

// Update sets the given columns of the row with key when it exists and
// matches every expected condition; it returns the number of rows changed
// (0 when the row is missing or a condition fails).
func (s *sqlTable) Update(ctx context.Context, key []any, sets []db.Set, expect []db.Cond) (int64, error) {
	b := s.newBuilder()
	b.sql.WriteString("UPDATE " + s.qtable + " SET ")
	if err := s.writeSets(b, sets); err != nil {
		return 0, err
	}
	b.sql.WriteString(" WHERE ")
	for i, k := range s.t.Keys {
		if i > 0 {
			b.sql.WriteString(" AND ")
		}
		if err := db.CheckText(key[i]); err != nil {
			return 0, &db.ValidationError{Table: s.t.Name, Column: s.t.Columns[k].Name, Msg: err.Error()}
		}
		b.sql.WriteString(s.qcols[k] + " = " + b.arg(key[i]))
	}
	if err := s.where(b, expect, true); err != nil {
		return 0, err
	}
	n, err := s.c.exec(ctx, b.sql.String(), b.args)
	return n, s.wrap("update", err)
}

func (s *sqlTable) writeSets(b *builder, sets []db.Set) error {
	if len(sets) == 0 { // nothing to change: still report whether the row matched
		k := s.qcols[s.t.Keys[0]]
		b.sql.WriteString(k + " = " + k)
		return nil
	}
	for i, st := range sets {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		if err := db.CheckText(st.Val); err != nil {
			return &db.ValidationError{Table: s.t.Name, Column: s.t.Columns[st.Col].Name, Msg: err.Error()}
		}
		b.sql.WriteString(s.qcols[st.Col] + " = " + b.arg(st.Val))
	}
	return nil
}

// UpdateAll sets the given columns on every row matching conds (at least one
// condition) and returns the number of rows changed.
func (s *sqlTable) UpdateAll(ctx context.Context, conds []db.Cond, sets []db.Set) (int64, error) {
	if len(conds) == 0 {
		return 0, db.Invalid(s.t.Name, "", "UpdateAll needs at least one condition")
	}
	b := s.newBuilder()
	b.sql.WriteString("UPDATE " + s.qtable + " SET ")
	if err := s.writeSets(b, sets); err != nil {
		return 0, err
	}
	b.sql.WriteString(" WHERE ")
	if err := s.where(b, conds, false); err != nil {
		return 0, err
	}
	n, err := s.c.exec(ctx, b.sql.String(), b.args)
	return n, s.wrap("updateAll", err)
}

// DelAll deletes every row matching conds (at least one condition) and
// returns the number of rows deleted.
func (s *sqlTable) DelAll(ctx context.Context, conds []db.Cond) (int64, error) {
	if len(conds) == 0 {
		return 0, db.Invalid(s.t.Name, "", "DelAll needs at least one condition")
	}
	b := s.newBuilder()
	b.sql.WriteString("DELETE FROM " + s.qtable + " WHERE ")
	if err := s.where(b, conds, false); err != nil {
		return 0, err
	}
	n, err := s.c.exec(ctx, b.sql.String(), b.args)
	return n, s.wrap("delAll", err)
}

const listChunk = 200

// List reads the rows with the given full keys, in the order of keys; keys
// with no row are skipped.
func (s *sqlStore[R]) List(ctx context.Context, keys [][]any) ([]R, error) {
	var rows []R
	var buf [32]any
	for start := 0; start < len(keys); start += listChunk {
		query, args, err := s.tab.listSQL(keys[start:min(start+listChunk, len(keys))])
		if err != nil {
			return nil, err
		}
		err = s.tab.c.query(ctx, query, args, func() []any {
			rows = append(rows, *new(R))
			return s.allDests(&rows[len(rows)-1], buf[:0])
		})
		if err != nil {
			return nil, s.tab.wrap("list", err)
		}
	}
	return db.InKeyOrder(s.rt, rows, keys)
}

// listSQL is the query of the rows of one chunk of keys.
func (s *sqlTable) listSQL(chunk [][]any) (string, []any, error) {
	for _, k := range chunk {
		for i, v := range k {
			if err := db.CheckText(v); err != nil {
				return "", nil, &db.ValidationError{Table: s.t.Name, Column: s.t.Columns[s.t.Keys[i]].Name, Msg: err.Error()}
			}
		}
	}
	b := s.newBuilder()
	b.sql.WriteString(s.listOne)
	if len(s.t.Keys) == 1 {
		b.sql.WriteString(s.qcols[s.t.Keys[0]] + " IN (")
		for i, k := range chunk {
			if i > 0 {
				b.sql.WriteString(", ")
			}
			b.sql.WriteString(b.arg(k[0]))
		}
	} else {
		b.sql.WriteString("(" + s.colList(s.t.Keys) + ") IN (")
		for i, k := range chunk {
			if i > 0 {
				b.sql.WriteString(", ")
			}
			b.sql.WriteString("(")
			for j, v := range k {
				if j > 0 {
					b.sql.WriteString(", ")
				}
				b.sql.WriteString(b.arg(v))
			}
			b.sql.WriteString(")")
		}
	}
	b.sql.WriteString(")")
	return b.sql.String(), b.args, nil
}

// --- SQL building

type builder struct {
	d     *dialect
	sql   strings.Builder
	args  []any
	table string // qualifies the columns of conditions ("t".); empty: none
}

func (s *sqlTable) newBuilder() *builder { return &builder{d: s.d} }

// arg binds a canonical value and returns its placeholder.
func (b *builder) arg(v any) string {
	b.args = append(b.args, b.d.bind(v))
	return b.d.ph(len(b.args))
}

// where appends conds joined by AND; with and=true each is prefixed by AND.
func (s *sqlTable) where(b *builder, conds []db.Cond, and bool) error {
	for i, c := range conds {
		col, vals, err := s.t.Cond(c)
		if err != nil {
			return err
		}
		if and || i > 0 {
			b.sql.WriteString(" AND ")
		}
		n := b.table + s.qcols[col]
		op := c.Op
		switch op {
		case db.OpEq, "":
			b.sql.WriteString(n + " = " + b.arg(vals[0]))
		case db.OpNe:
			b.sql.WriteString(s.d.notEqual(n, b.arg(vals[0])))
		case db.OpGt:
			b.sql.WriteString(n + " > " + b.arg(vals[0]))
		case db.OpGe:
			b.sql.WriteString(n + " >= " + b.arg(vals[0]))
		case db.OpLt:
			b.sql.WriteString(n + " < " + b.arg(vals[0]))
		case db.OpLe:
			b.sql.WriteString(n + " <= " + b.arg(vals[0]))
		case db.OpIn:
			b.sql.WriteString(n + " IN (")
			for j, v := range vals {
				if j > 0 {
					b.sql.WriteString(", ")
				}
				b.sql.WriteString(b.arg(v))
			}
			b.sql.WriteString(")")
		case db.OpBetween:
			b.sql.WriteString(n + " BETWEEN " + b.arg(vals[0]) + " AND " + b.arg(vals[1]))
		case db.OpBeginsWith:
			b.args = append(b.args, nil)
			frag, v := s.d.beginsWith(n, s.d.ph(len(b.args)), vals[0].(string))
			b.args[len(b.args)-1] = v
			b.sql.WriteString(frag)
		case db.OpContains:
			b.sql.WriteString(s.d.contains(n, b.arg(vals[0])))
		case db.OpNotContains: // NULL contains nothing
			b.sql.WriteString("(" + n + " IS NULL OR NOT " + s.d.contains(n, b.arg(vals[0])) + ")")
		case db.OpNull:
			b.sql.WriteString(n + " IS NULL")
		case db.OpNotNull:
			b.sql.WriteString(n + " IS NOT NULL")
		}
	}
	return nil
}

// selectPlan is a select's statement and what reading its rows needs; for
// a total, the count itself.
type selectPlan struct {
	b           *builder
	count       int
	order, cols []int
	scope       string
	total       int64
}

// selectSQL builds the statement of a select (and runs it for a total).
func (s *sqlTable) selectSQL(ctx context.Context, q *db.Query) (*selectPlan, error) {
	t := s.t
	count, order, cols, err := t.Plan(q)
	if err != nil {
		return nil, err
	}

	b := s.newBuilder()
	if q.Total {
		b.sql.WriteString("SELECT COUNT(*) FROM " + s.qtable)
		if len(q.Where) > 0 {
			b.sql.WriteString(" WHERE ")
			if err := s.where(b, q.Where, false); err != nil {
				return nil, err
			}
		}
		var n int64
		if err := s.c.queryRow(ctx, false, b.sql.String(), b.args, []any{db.Int[int64]{P: &n}}); err != nil {
			return nil, s.wrap("select", err)
		}
		return &selectPlan{total: n}, nil
	}

	b.sql.WriteString("SELECT " + s.colList(cols) + " FROM " + s.qtable)
	hasWhere := len(q.Where) > 0
	if hasWhere {
		b.sql.WriteString(" WHERE ")
		if err := s.where(b, q.Where, false); err != nil {
			return nil, err
		}
	}
	scope := t.TokenScope(q, order)
	if q.Token != "" {
		ocols := make([]*db.Column, len(order))
		for i, c := range order {
			ocols[i] = &t.Columns[c]
		}
		after, err := s.p.DecodeToken(scope, q.Token, ocols)
		if err != nil {
			return nil, err
		}
		if hasWhere {
			b.sql.WriteString(" AND ")
		} else {
			b.sql.WriteString(" WHERE ")
		}
		// Leading order columns pinned by an eq condition hold the token's
		// values in every matching row: leave them out, so the database
		// seeks straight to the position (a row value (a, b) > (?, ?) next
		// to a = ? makes SQLite scan from the start of a).
		skip := 0
		for skip < len(order) && fixed(q.Where, t.Columns[order[skip]].Name) {
			skip++
		}
		if skip == len(order) { // the full order is pinned: one row at most, already returned
			b.sql.WriteString("1 = 0")
		} else {
			s.keyset(b, order[skip:], after[skip:], q.Desc)
		}
	}
	b.sql.WriteString(" ORDER BY ")
	for i, c := range order {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		b.sql.WriteString(s.qcols[c])
		if q.Desc {
			b.sql.WriteString(" DESC")
		}
		if t.Columns[c].Nullable { // NULL sorts as the smallest value everywhere
			if q.Desc {
				b.sql.WriteString(s.d.nullsLast)
			} else {
				b.sql.WriteString(s.d.nullsFirst)
			}
		}
	}
	// one more tells whether a next page exists; a placeholder, so that one
	// prepared statement serves every page size
	b.sql.WriteString(" LIMIT " + b.arg(int64(count+1)))
	return &selectPlan{b: b, count: count, order: order, cols: cols, scope: scope}, nil
}

// Select returns one page of rows matching q.
func (s *sqlStore[R]) Select(ctx context.Context, q *db.Query) (*db.Page[R], error) {
	plan, err := s.tab.selectSQL(ctx, q)
	if err != nil {
		return nil, err
	}
	if q.Total {
		return &db.Page[R]{Total: plan.total}, nil
	}
	b, count, order, cols, scope := plan.b, plan.count, plan.order, plan.cols, plan.scope
	rows := make([]R, 0, min(count+1, 64))
	var buf [32]any
	err = s.tab.c.query(ctx, b.sql.String(), b.args, func() []any {
		rows = append(rows, *new(R))
		return s.dests(&rows[len(rows)-1], cols, buf[:0])
	})
	if err != nil {
		return nil, s.tab.wrap("select", err)
	}
	page := &db.Page[R]{Rows: rows}
	if len(rows) > count {
		page.Rows = rows[:count]
		vals, err := db.OrderValues(s.rt, &rows[count-1], order)
		if err != nil {
			return nil, err
		}
		tok, err := s.tab.p.EncodeToken(scope, vals)
		if err != nil {
			return nil, err
		}
		page.Next = tok
	}
	return page, nil
}

// fixed reports whether conds pin column name to a single value.
func fixed(conds []db.Cond, name string) bool {
	for _, c := range conds {
		if c.Col == name && (c.Op == db.OpEq || c.Op == "") && len(c.Values) == 1 {
			return true
		}
	}
	return false
}

// keyset writes the condition "after the row with order values vals". Only
// the first order column may be NULL (key columns never are); NULL sorts
// first ascending, last descending.
func (s *sqlTable) keyset(b *builder, order []int, vals []any, desc bool) {
	cmp := " > "
	if desc {
		cmp = " < "
	}
	tuple := func(cols []int, vs []any) {
		if len(cols) == 1 {
			b.sql.WriteString(s.qcols[cols[0]] + cmp + b.arg(vs[0]))
			return
		}
		b.sql.WriteString("(" + s.colList(cols) + ")" + cmp + "(")
		for i, v := range vs {
			if i > 0 {
				b.sql.WriteString(", ")
			}
			b.sql.WriteString(b.arg(v))
		}
		b.sql.WriteString(")")
	}
	first := &s.t.Columns[order[0]]
	if !first.Nullable {
		tuple(order, vals)
		return
	}
	n := s.qcols[order[0]]
	rest, rvals := order[1:], vals[1:]
	b.sql.WriteString("(")
	switch {
	case vals[0] == nil && !desc: // after NULLs come the rest of the NULLs, then every value
		b.sql.WriteString("(" + n + " IS NULL AND ")
		tuple(rest, rvals)
		b.sql.WriteString(") OR " + n + " IS NOT NULL")
	case vals[0] == nil && desc: // NULLs are last: only the rest of the NULLs
		b.sql.WriteString(n + " IS NULL AND ")
		tuple(rest, rvals)
	default:
		b.sql.WriteString(n + cmp + b.arg(vals[0]) + " OR (" + n + " = " + b.arg(vals[0]) + " AND ")
		tuple(rest, rvals)
		b.sql.WriteString(")")
		if desc {
			b.sql.WriteString(" OR " + n + " IS NULL")
		}
	}
	b.sql.WriteString(")")
}
