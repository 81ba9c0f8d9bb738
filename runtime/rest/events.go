package rest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/go-faster/jx"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/pubsub"
)

// Watcher turns a table's write events (pubsub.PublishRow) into what the
// caller of a context may see of them: the server pushes of REST over
// WebSocket go through it, as GraphQL subscriptions go through their
// resolvers, so both show a row as a get would.
type Watcher func(ctx context.Context, msg []byte) ([]byte, bool)

// Events is the Watcher of table t (a function of it, as Routes is).
func Events[R any](t *Table[R]) Watcher {
	return func(ctx context.Context, msg []byte) ([]byte, bool) { return event(ctx, t, msg) }
}

// event is one write event of the table as the caller of ctx may see it:
// {"table":…,"op":…,"row":{…}} with the columns a get would show it (a del
// carries the key only); false when the caller may not see the row (a read
// filter hides it) or the message is not an event.
func event[R any](ctx context.Context, t *Table[R], msg []byte) ([]byte, bool) {
	var ev pubsub.Event
	r := new(R)
	if json.Unmarshal(msg, &ev) != nil || json.Unmarshal(ev.Row, r) != nil {
		return nil, false
	}
	v := auth.ViewerOf(ctx)
	var show []bool
	if ev.Op == "del" {
		show = make([]bool, len(t.Policy.t.Columns))
		for _, k := range t.Policy.t.Keys {
			show[k] = true
		}
	} else {
		if t.Read != nil {
			if keep, err := t.Read(ctx, r); err != nil || !keep {
				return nil, false
			}
		}
		show = t.Policy.Show(v, t.Policy.Owner(r), nil, nil)
	}
	e := jx.GetEncoder()
	defer jx.PutEncoder(e)
	e.ObjStart()
	e.FieldStart("table")
	e.Str(t.Policy.t.Name)
	e.FieldStart("op")
	e.Str(ev.Op)
	e.FieldStart("row")
	t.Encode(e, r, show)
	e.ObjEnd()
	return append([]byte(nil), e.Bytes()...), true
}

// Watch delivers the events of table on bus as the caller of ctx may see
// them, until ctx ends or stop is called.
func Watch(ctx context.Context, bus pubsub.Bus, table string, w Watcher) (events <-chan []byte, stop func(), err error) {
	if w == nil {
		return nil, nil, &db.ValidationError{Table: table, Msg: fmt.Sprintf("no table %q to watch", table)}
	}
	if bus == nil {
		return nil, nil, db.Unsupportedf("pushes need a pub/sub bus")
	}
	msgs, cancel := bus.Subscribe(ctx, table)
	out := make(chan []byte, 16)
	go func() {
		defer close(out)
		for m := range msgs {
			b, ok := w(ctx, m)
			if !ok {
				continue
			}
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, cancel, nil
}
