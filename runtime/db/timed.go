package db

import (
	"context"
	"errors"
	"time"

	"github.com/bkgen/bkgen/runtime/metrics"
)

// UseMetrics makes the stores opened on p afterwards time their database
// operations in r (per pool and operation: pool_get, …); nil: none.
func (p *Pool) UseMetrics(r *metrics.Registry) { p.metrics = r }

// metricsName is the pool's name in the metrics: its driver for the
// default pool (as before named pools), NAME for a named pool.
func (p *Pool) metricsName() string {
	if p.label == "" || p.label == "default" {
		return p.Name
	}
	return p.label
}

// timed is a backend timing each operation. Expected outcomes (not found,
// exists, invalid input) are not failures; anything else is.
type timed[R any] struct {
	b  Backend[R] // the driver's backend
	rb *timedRowless

	get, add, put, incr, list, sel *metrics.Timer
}

// timedRowless times the operations of Backend.Rowless.
type timedRowless struct {
	b RowlessOps

	del, update, updateAll, delAll *metrics.Timer
}

func newTimed[R any](b Backend[R], r *metrics.Registry, pool string) *timed[R] {
	t := func(op string) *metrics.Timer { return r.Pool(pool, op) }
	rb := &timedRowless{b: b.Rowless(), del: t("del"), update: t("update"), updateAll: t("update_all"), delAll: t("del_all")}
	return &timed[R]{b: b, rb: rb, get: t("get"), add: t("add"), put: t("put"), incr: t("incr"), list: t("list"), sel: t("select")}
}

func failed(err error) bool {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrExists) || errors.Is(err, ErrBadToken) || errors.Is(err, ErrUnsupported) {
		return false
	}
	var v *ValidationError
	return !errors.As(err, &v)
}

func (s *timed[R]) Get(ctx context.Context, key []any) (*R, error) {
	start := time.Now()
	r, err := s.b.Get(ctx, key)
	s.get.Observe(time.Since(start), failed(err))
	return r, err
}

func (s *timed[R]) Add(ctx context.Context, r *R) error {
	start := time.Now()
	err := s.b.Add(ctx, r)
	s.add.Observe(time.Since(start), failed(err))
	return err
}

func (s *timed[R]) Put(ctx context.Context, r *R, expect []Cond) error {
	start := time.Now()
	err := s.b.Put(ctx, r, expect)
	s.put.Observe(time.Since(start), failed(err))
	return err
}

func (s *timed[R]) Rowless() RowlessOps { return s.rb }

func (s *timedRowless) Del(ctx context.Context, key []any) error {
	start := time.Now()
	err := s.b.Del(ctx, key)
	s.del.Observe(time.Since(start), failed(err))
	return err
}

func (s *timed[R]) Incr(ctx context.Context, r *R, expect []Cond) (*R, error) {
	start := time.Now()
	out, err := s.b.Incr(ctx, r, expect)
	s.incr.Observe(time.Since(start), failed(err))
	return out, err
}

func (s *timedRowless) Update(ctx context.Context, key []any, sets []Set, expect []Cond) (int64, error) {
	start := time.Now()
	n, err := s.b.Update(ctx, key, sets, expect)
	s.update.Observe(time.Since(start), failed(err))
	return n, err
}

func (s *timedRowless) UpdateAll(ctx context.Context, conds []Cond, sets []Set) (int64, error) {
	start := time.Now()
	n, err := s.b.UpdateAll(ctx, conds, sets)
	s.updateAll.Observe(time.Since(start), failed(err))
	return n, err
}

func (s *timedRowless) DelAll(ctx context.Context, conds []Cond) (int64, error) {
	start := time.Now()
	n, err := s.b.DelAll(ctx, conds)
	s.delAll.Observe(time.Since(start), failed(err))
	return n, err
}

func (s *timed[R]) List(ctx context.Context, keys [][]any) ([]R, error) {
	start := time.Now()
	rows, err := s.b.List(ctx, keys)
	s.list.Observe(time.Since(start), failed(err))
	return rows, err
}

func (s *timed[R]) Select(ctx context.Context, q *Query) (*Page[R], error) {
	start := time.Now()
	p, err := s.b.Select(ctx, q)
	s.sel.Observe(time.Since(start), failed(err))
	return p, err
}

func (s *timedRowless) CreateTable(ctx context.Context) error { return s.b.CreateTable(ctx) }
