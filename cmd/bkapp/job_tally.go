// This file is yours: bkgen created it once and never overwrites it.

package main

import (
	"context"
	"errors"
	"time"

	"github.com/bkgen/bkgen/generated/jobs"
	"github.com/bkgen/bkgen/generated/store"
	rtjobs "github.com/bkgen/bkgen/runtime/jobs"
)

// Tally runs job "tally" (queue default, 2 retries, timeout 1m0s): it adds
// p.N to the likes of meter row p.ID, after sleeping p.SleepMs; p.Fail makes
// it fail, to watch retries and the failed list.
func (jobHandlers) Tally(ctx context.Context, st *store.Store, p *jobs.Tally) error {
	if p.ID == "" {
		return rtjobs.Permanent(errors.New("tally: empty id"))
	}
	if p.SleepMs > 0 {
		select {
		case <-time.After(time.Duration(p.SleepMs) * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if p.Fail {
		return errors.New("tally: failing as asked")
	}
	_, err := st.Meter.Incr(ctx, store.MeterKey{ID: p.ID}, store.MeterIncr{Likes: p.N})
	return err
}
