// This file is yours: bkgen created it once and never overwrites it.

package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/bkgen/bkgen/generated/jobs"
	"github.com/bkgen/bkgen/generated/store"
)

// Cleanup runs job "cleanup" (every night at 03:00, unique for an hour): it
// deletes the todos done more than p.Days (default 30) days ago.
func (jobHandlers) Cleanup(ctx context.Context, st *store.Store, p *jobs.Cleanup) error {
	days := p.Days
	if days <= 0 {
		days = 30
	}
	cutoff := time.Now().AddDate(0, 0, -days).UnixMilli()
	n, err := st.Todo.DelAll(ctx, store.TodoCols.Done.Eq(true), store.TodoCols.Mtime.Lt(cutoff))
	if err != nil {
		return err
	}
	slog.InfoContext(ctx, "cleanup: done todos deleted", "rows", n, "older_than_days", days)
	return nil
}
