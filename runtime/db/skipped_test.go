package db

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestSkippedStore: a table's store on a pool it is not kept in has no
// backend, and every operation says why with ErrUnsupported; CreateTable
// does nothing, since the table is not meant to be there.
func TestSkippedStore(t *testing.T) {
	type row struct{ ID string }
	p := NewPool("memory", nil, nil, nil)
	tab := &Table[row]{Schema: Schema{Name: "t", Columns: []Column{{Name: "id", Key: 1}}, SkipPools: []string{"memory"}}}
	s := NewStore(p, tab)
	ctx := context.Background()
	var errs []error
	_, err := s.Get(ctx, []any{"a"})
	errs = append(errs, err, s.Add(ctx, &row{}), s.Put(ctx, &row{}, nil))
	_, err2 := s.Incr(ctx, &row{}, nil)
	_, err3 := s.List(ctx, [][]any{{"a"}})
	_, err4 := s.Select(ctx, &Query{})
	_, err5 := s.Update(ctx, []any{"a"}, nil, nil)
	_, err6 := s.UpdateAll(ctx, nil, nil)
	_, err7 := s.DelAll(ctx, nil)
	errs = append(errs, err2, err3, err4, err5, err6, err7, s.Del(ctx, []any{"a"}))
	for i, err := range errs {
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "not kept in the memory pool") {
			t.Errorf("operation %d: %v, want ErrUnsupported saying why", i, err)
		}
	}
	if err := s.CreateTable(ctx); err != nil {
		t.Errorf("CreateTable: %v, want nothing done", err)
	}
}
