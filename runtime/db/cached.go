package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/bkgen/bkgen/runtime/cache"
)

// UseCache makes the stores opened on p afterwards read the tables that
// have a CacheTTL (bk.Cache) through c; nil turns caching off.
func (p *Pool) UseCache(c cache.Cache) { p.cache = c }

// Cache returns the pool's cache, or nil.
func (p *Pool) Cache() cache.Cache { return p.cache }

// cached is the read-through cache in front of a backend. Get reads the
// cache, and on a miss reads the database once for all concurrent callers
// (single flight) and fills the cache unless a write invalidated the key
// meanwhile. Every write invalidates: the row's key for Put, Incr, Update
// and Del, the whole table for UpdateAll and DelAll. Add needs nothing: a
// missing row is never cached.
//
// A cache failure never fails a call: reads fall back to the database, and
// a failed invalidation is logged (the Redis driver also replays it).
type cached[R any] struct {
	b   Backend[R]     // the next backend: the driver's, or the timing decorator
	rb  *cachedRowless // its Rowless, and the cache
	t   *Table[R]
	ttl time.Duration
	sf  singleflight.Group
}

// cachedRowless invalidates after the operations of Backend.Rowless.
type cachedRowless struct {
	b     RowlessOps
	table string
	c     cache.Cache
}

func newCached[R any](b Backend[R], t *Table[R], c cache.Cache) *cached[R] {
	cachedViews.Store(t.Name, func(b []byte) (map[string]any, error) { return viewRow(t, b) })
	return &cached[R]{b: b, rb: &cachedRowless{b: b.Rowless(), table: t.Name, c: c}, t: t, ttl: t.CacheTTL}
}

// CacheKey returns the cache key of the row with the given key values
// (canonical, in key order): "table|v1|v2", as backendjs.
func CacheKey(table string, key []any) string {
	parts := make([]string, len(key))
	for i, v := range key {
		switch x := v.(type) {
		case string:
			parts[i] = x
		case int64:
			parts[i] = strconv.FormatInt(x, 10)
		case float64:
			parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
		case bool:
			parts[i] = strconv.FormatBool(x)
		case time.Time:
			parts[i] = x.UTC().Format(TimeFormat)
		default:
			parts[i] = fmt.Sprint(x)
		}
	}
	return cache.Key(table, parts...)
}

func (s *cached[R]) key(vals []any) string { return CacheKey(s.t.Name, vals) }

func (s *cached[R]) rowKey(r *R) (string, error) {
	vals, err := OrderValues(s.t, r, s.t.Keys)
	if err != nil {
		return "", err
	}
	return s.key(vals), nil
}

func (s *cached[R]) Get(ctx context.Context, key []any) (*R, error) {
	k := s.key(key)
	val, hit, ticket, err := s.rb.c.Load(ctx, k)
	if err == nil && hit {
		if r, derr := decodeRow(s.t, val); derr == nil {
			return r, nil
		}
		// a value we cannot read (another version of the table): drop it
		s.rb.c.Del(ctx, k)
	}
	if err != nil && !errors.Is(err, cache.ErrUnavailable) {
		slog.WarnContext(ctx, "cache read failed; reading the database", "key", k, "err", err)
	}
	v, err, _ := s.sf.Do(k, func() (any, error) {
		r, err := s.b.Get(ctx, key)
		if err != nil || ticket.Gen == "" {
			return r, err
		}
		if enc, err := encodeRow(s.t, r); err == nil {
			s.rb.c.Fill(context.WithoutCancel(ctx), k, enc, s.ttl, ticket)
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	r := *v.(*R) // each caller gets its own copy of the shared result
	return &r, nil
}

// Add, List, Select and CreateTable go straight to the backend (see cached).

func (s *cached[R]) Add(ctx context.Context, r *R) error { return s.b.Add(ctx, r) }
func (s *cached[R]) List(ctx context.Context, keys [][]any) ([]R, error) {
	return s.b.List(ctx, keys)
}
func (s *cached[R]) Select(ctx context.Context, q *Query) (*Page[R], error) {
	return s.b.Select(ctx, q)
}
func (s *cached[R]) Rowless() RowlessOps                       { return s.rb }
func (s *cachedRowless) CreateTable(ctx context.Context) error { return s.b.CreateTable(ctx) }

// invalidate drops keys after a write; the write stands whatever happens.
func (s *cachedRowless) invalidate(ctx context.Context, keys ...string) {
	if err := s.c.Del(context.WithoutCancel(ctx), keys...); err != nil {
		slog.WarnContext(ctx, "cache invalidation failed", "table", s.table, "keys", keys, "err", err)
	}
}

func (s *cachedRowless) clear(ctx context.Context) {
	if err := s.c.Clear(context.WithoutCancel(ctx), s.table); err != nil {
		slog.WarnContext(ctx, "cache invalidation failed", "table", s.table, "err", err)
	}
}

func (s *cached[R]) Put(ctx context.Context, r *R, expect []Cond) error {
	k, kerr := s.rowKey(r)
	err := s.b.Put(ctx, r, expect)
	if kerr == nil {
		s.rb.invalidate(ctx, k)
	}
	return err
}

func (s *cachedRowless) Del(ctx context.Context, key []any) error {
	err := s.b.Del(ctx, key)
	s.invalidate(ctx, CacheKey(s.table, key))
	return err
}

func (s *cached[R]) Incr(ctx context.Context, r *R, expect []Cond) (*R, error) {
	k, kerr := s.rowKey(r)
	out, err := s.b.Incr(ctx, r, expect)
	if kerr == nil {
		s.rb.invalidate(ctx, k)
	}
	return out, err
}

func (s *cachedRowless) Update(ctx context.Context, key []any, sets []Set, expect []Cond) (int64, error) {
	n, err := s.b.Update(ctx, key, sets, expect)
	if n > 0 || err != nil {
		s.invalidate(ctx, CacheKey(s.table, key))
	}
	return n, err
}

func (s *cachedRowless) UpdateAll(ctx context.Context, conds []Cond, sets []Set) (int64, error) {
	n, err := s.b.UpdateAll(ctx, conds, sets)
	if n > 0 || err != nil {
		s.clear(ctx)
	}
	return n, err
}

func (s *cachedRowless) DelAll(ctx context.Context, conds []Cond) (int64, error) {
	n, err := s.b.DelAll(ctx, conds)
	if n > 0 || err != nil {
		s.clear(ctx)
	}
	return n, err
}

// encodeRow is the cached form of a row: every column's canonical value
// in the compact binary encoding of page tokens (no reflection).
func encodeRow[R any](t *Table[R], r *R) ([]byte, error) {
	vals, err := RowValues(t, r)
	if err != nil {
		return nil, err
	}
	return appendValues(make([]byte, 0, 128), vals)
}

// decodeRow reads what encodeRow wrote.
func decodeRow[R any](t *Table[R], b []byte) (*R, error) {
	r := new(R)
	var err error
	ok := decodeValues(b, t.colPtrs, func(i int, v any) bool {
		err = t.Dest(r, i).(sql.Scanner).Scan(v)
		return err == nil
	})
	if !ok {
		return nil, fmt.Errorf("cache: undecodable %s row: %v", t.Name, err)
	}
	return r, nil
}

// cachedViews maps the name of every cached table with a store to a
// function showing one of its cached values (for /system/cache/get).
var cachedViews sync.Map // table name -> func([]byte) (map[string]any, error)

// CachedView decodes a cached value of the table named by the key's prefix
// into column → value, without the secure columns; ok is false when no
// cached table has that name.
func CachedView(key string, val []byte) (row map[string]any, ok bool, err error) {
	f, found := cachedViews.Load(cache.Prefix(key))
	if !found {
		return nil, false, nil
	}
	row, err = f.(func([]byte) (map[string]any, error))(val)
	return row, true, err
}

func viewRow[R any](t *Table[R], b []byte) (map[string]any, error) {
	row := make(map[string]any, len(t.Columns))
	if !decodeValues(b, t.colPtrs, func(i int, v any) bool {
		if c := &t.Columns[i]; !c.Secure {
			if s, isStr := v.(string); isStr && c.Kind == KindJSON {
				v = json.RawMessage(s)
			}
			row[c.Name] = v
		}
		return true
	}) {
		return nil, fmt.Errorf("cache: undecodable %s row", t.Name)
	}
	return row, nil
}
