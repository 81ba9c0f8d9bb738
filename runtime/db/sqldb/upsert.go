package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/bkgen/bkgen/runtime/db"
)

// The writes that MySQL cannot make in one statement as the other
// databases do (no RETURNING, no WHERE on ON DUPLICATE KEY UPDATE): a
// transaction that locks the row (SELECT … FOR UPDATE) and then writes, so
// that a concurrent writer waits instead of slipping in between.

// duplicateStatements builds put and incr for ON DUPLICATE KEY UPDATE
// (the dialect's incoming value is VALUES(c)).
func (s *sqlTable) duplicateStatements(put, incr []string) {
	k := quote(s.t.Columns[s.t.Keys[0]].Name)
	if len(put) == 0 {
		s.putSQL = s.insertSQL + " ON DUPLICATE KEY UPDATE " + k + " = " + k
	} else {
		s.putSQL = s.insertSQL + " ON DUPLICATE KEY UPDATE " + strings.Join(put, ", ")
	}
	if len(incr) > 0 {
		s.incrSQL = s.insertSQL + " ON DUPLICATE KEY UPDATE " + strings.Join(incr, ", ")
	}
}

// inTx runs f in a transaction of the write pool. Two writers of one new
// key both lock its gap and one of them is chosen as the deadlock's
// victim: that one runs again (a few times at most) and then finds the
// other's row, as it would have in one statement elsewhere.
func (c *conn) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	var err error
	for range 5 {
		if err = c.tryTx(ctx, f); !retryable(err) {
			return err
		}
	}
	return err
}

func (c *conn) tryTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := c.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// locked reads whether the row of key exists and, with expect, whether it
// matches, locking it (or the gap where it would be) until the end of tx.
func (s *sqlTable) locked(ctx context.Context, tx *sql.Tx, key []any, expect []db.Cond) (exists, matches bool, err error) {
	b := s.newBuilder()
	b.sql.WriteString("SELECT ")
	if len(expect) == 0 {
		b.sql.WriteString("1")
	} else {
		b.sql.WriteString("CASE WHEN ")
		if err := s.where(b, expect, false); err != nil {
			return false, false, err
		}
		b.sql.WriteString(" THEN 1 ELSE 0 END")
	}
	b.sql.WriteString(" FROM " + s.qtable + " WHERE ")
	for i, k := range s.t.Keys {
		if i > 0 {
			b.sql.WriteString(" AND ")
		}
		b.sql.WriteString(s.qcols[k] + " = " + b.arg(key[i]))
	}
	b.sql.WriteString(" FOR UPDATE")
	var m int64
	err = tx.QueryRowContext(ctx, b.sql.String(), b.args...).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	return err == nil, m == 1, err
}

// keyOf picks the key values out of the bound values of a whole row.
func (s *sqlTable) keyOf(args []any) []any {
	key := make([]any, len(s.t.Keys))
	for i, k := range s.t.Keys {
		key[i] = args[k]
	}
	return key
}

// addAuto inserts a row whose AutoID the database assigns, and scans it
// into dest.
func (s *sqlTable) addAuto(ctx context.Context, args []any, dest any) error {
	res, err := s.c.w.ExecContext(ctx, s.insertNoA, args...)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	return dest.(sql.Scanner).Scan(id)
}

// putIf is a conditional put: the row replaced only when it matches every
// condition, inserted when missing.
func (s *sqlTable) putIf(ctx context.Context, args []any, expect []db.Cond) error {
	return s.c.inTx(ctx, func(tx *sql.Tx) error {
		exists, matches, err := s.locked(ctx, tx, s.keyOf(args), expect)
		switch {
		case err != nil:
			return err
		case exists && !matches:
			return db.ErrCondition
		}
		_, err = tx.ExecContext(ctx, s.putSQL, args...)
		return err
	})
}

// incrTx adds the counters of the row in args (creating it when missing)
// and reads the row as stored into dest; with expect, an existing row must
// match every condition.
func (s *sqlTable) incrTx(ctx context.Context, args []any, expect []db.Cond, dest []any) error {
	key := s.keyOf(args)
	return s.c.inTx(ctx, func(tx *sql.Tx) error {
		if len(expect) > 0 {
			exists, matches, err := s.locked(ctx, tx, key, expect)
			if err != nil {
				return err
			}
			if exists && !matches {
				return db.ErrCondition
			}
		}
		if _, err := tx.ExecContext(ctx, s.incrSQL, args...); err != nil {
			if len(expect) > 0 && mysqlError(s.t.Name, err) == db.ErrOverflow {
				return db.ErrCondition // as the other databases say it under conditions
			}
			return err
		}
		return tx.QueryRowContext(ctx, s.getSQL, key...).Scan(dest...)
	})
}
