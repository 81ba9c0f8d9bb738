package gql

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/pubsub"
)

func TestShow(t *testing.T) {
	if p := Show(true, "a"); p == nil || *p != "a" {
		t.Errorf("Show(true) = %v", p)
	}
	if p := Show(false, "a"); p != nil {
		t.Errorf("Show(false) = %v, want null", *p)
	}
	v := int64(7)
	p := ShowNullable(true, &v)
	if p == nil || *p != 7 || p == &v {
		t.Errorf("ShowNullable(true) = %v: want a copy of 7", p)
	}
	if ShowNullable[int64](true, nil) != nil || ShowNullable(false, &v) != nil {
		t.Error("ShowNullable of nil or of a hidden column is not null")
	}
	if s := ShowBytes(true, []byte("hi")); s == nil || *s != "aGk=" {
		t.Errorf("ShowBytes = %v", s)
	}
	if ShowBytes(true, nil) != nil || ShowBytes(false, []byte("x")) != nil {
		t.Error("ShowBytes of empty bytes or of a hidden column is not null")
	}
}

func TestTake(t *testing.T) {
	set := make([]bool, 4)
	var s string
	Take(&s, nil, set, 0)
	if set[0] || s != "" {
		t.Fatal("Take of a missing value changed the row")
	}
	in := "x"
	Take(&s, &in, set, 0)
	if !set[0] || s != "x" {
		t.Fatalf("Take: %q, set %v", s, set)
	}
	var p *string
	TakeNullable(&p, &in, set, 1)
	if !set[1] || p == nil || *p != "x" || p == &in {
		t.Fatalf("TakeNullable: %v, set %v", p, set)
	}

	var n8 int8
	big := int64(300)
	err := TakeInt(&n8, &big, set, 2, "tbl", "n")
	var ve *db.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "300 is out of range for int8") || set[2] {
		t.Fatalf("TakeInt(300 into int8) = %v, set %v", err, set)
	}
	var u uint32
	neg := int64(-1)
	if err := TakeInt(&u, &neg, set, 2, "tbl", "u"); err == nil || set[2] {
		t.Fatalf("TakeInt(-1 into uint32) = %v, set %v", err, set)
	}
	ok := int64(-100)
	if err := TakeInt(&n8, &ok, set, 2, "tbl", "n"); err != nil || n8 != -100 || !set[2] {
		t.Fatalf("TakeInt(-100 into int8) = %v, %d, set %v", err, n8, set)
	}

	var b []byte
	bad := "%%%"
	if err := TakeBytes(&b, &bad, set, 3, "tbl", "b"); err == nil || !strings.Contains(err.Error(), "not base64") || set[3] {
		t.Fatalf("TakeBytes(bad) = %v, set %v", err, set)
	}
	good := "aGk="
	if err := TakeBytes(&b, &good, set, 3, "tbl", "b"); err != nil || string(b) != "hi" || !set[3] {
		t.Fatalf("TakeBytes(good) = %v, %q, set %v", err, b, set)
	}
}

// TestChanges publishes writes and reads the events a subscription makes
// of them: only matching rows the read rule keeps, dels unread, and the
// channel closed when the subscriber's context ends.
func TestChanges(t *testing.T) {
	type row struct {
		ID     string `json:"id"`
		Hidden bool   `json:"hidden"`
	}
	bus := pubsub.NewLocal()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	read := func(_ context.Context, r *row) (bool, error) { return !r.Hidden, nil }
	events, err := Changes(ctx, bus, "t", func(r *row) bool { return r.ID != "other" }, read,
		func(op string, r *row) string { return op + ":" + r.ID })
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		op string
		r  row
	}{{"add", row{ID: "other"}}, {"add", row{ID: "a", Hidden: true}}, {"put", row{ID: "b"}}, {"del", row{ID: "c", Hidden: true}}} {
		pubsub.PublishRow(ctx, bus, "t", w.op, w.r)
	}
	bus.Publish(ctx, "t", []byte("not json"))
	pubsub.PublishRow(ctx, bus, "t", "update", row{ID: "d"})
	var got []string
	for len(got) < 3 {
		got = append(got, <-events)
	}
	if strings.Join(got, " ") != "put:b del:c update:d" {
		t.Fatalf("events %q, want put:b del:c update:d", got)
	}
	cancel()
	for range events { // closes when ctx ends
	}

	if _, err := Changes(ctx, nil, "t", func(*row) bool { return true }, read, func(string, *row) string { return "" }); !errors.Is(err, db.ErrUnsupported) {
		t.Fatalf("without a bus: %v, want db.ErrUnsupported", err)
	}
}

// TestInputField: the value decoded lands in dst; the decoder runs under the
// field's path, as gqlgen's own decoders do, and its error is returned with
// dst untouched.
func TestInputField(t *testing.T) {
	ctx := graphql.WithPathContext(context.Background(), graphql.NewPathWithField("input"))
	var at string
	dec := func(ctx context.Context, v any) (*int64, error) {
		at = graphql.GetPath(ctx).String()
		n, ok := v.(int64)
		if !ok {
			return nil, errors.New("not an int")
		}
		return &n, nil
	}
	var dst *int64
	if err := InputField(ctx, "likes", int64(3), dec, &dst); err != nil || dst == nil || *dst != 3 {
		t.Fatalf("decoded %v, %v", dst, err)
	}
	if at != "input.likes" {
		t.Errorf("decoded at %q, want input.likes", at)
	}
	if err := InputField(ctx, "likes", "x", dec, &dst); err == nil || *dst != 3 {
		t.Errorf("a bad value: %v, and dst %v", err, *dst)
	}
}
