package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"

	"github.com/bkgen/bkgen/runtime/pubsub"
)

// Topic carries the invalidations of local caches between processes.
const Topic = "bk_cache.invalidate"

// Broadcast is a Local cache whose invalidations are published on a bus
// and applied by every other process's Broadcast on the same bus: with a
// Redis bus, a write through one process drops the key from the LRUs of
// all. Delivery takes a Redis round trip, so another process can serve
// the old row for that long; use -ipc-cache redis:// where a read right
// after a write through another process must see it.
type Broadcast struct {
	*Local
	bus    pubsub.Bus
	origin string
}

type invalidation struct {
	Origin string   `json:"o"`
	Keys   []string `json:"k,omitempty"`
	Clear  bool     `json:"c,omitempty"`
	Prefix string   `json:"p,omitempty"`
}

// NewBroadcast wraps l and applies the other processes' invalidations
// published on bus until ctx ends.
func NewBroadcast(ctx context.Context, l *Local, bus pubsub.Bus) *Broadcast {
	var id [8]byte
	rand.Read(id[:])
	b := &Broadcast{Local: l, bus: bus, origin: hex.EncodeToString(id[:])}
	msgs, cancel := bus.Subscribe(ctx, Topic)
	go func() {
		defer cancel()
		for m := range msgs {
			var inv invalidation
			if json.Unmarshal(m, &inv) != nil || inv.Origin == b.origin {
				continue
			}
			if inv.Clear {
				l.Clear(ctx, inv.Prefix)
			} else {
				l.Del(ctx, inv.Keys...)
			}
		}
	}()
	return b
}

func (b *Broadcast) publish(ctx context.Context, inv invalidation) {
	inv.Origin = b.origin
	msg, _ := json.Marshal(inv)
	if err := b.bus.Publish(ctx, Topic, msg); err != nil {
		slog.WarnContext(ctx, "cache invalidation not sent to the other processes; they may serve the old row until its TTL", "err", err)
	}
}

// Del invalidates keys here and in every other process.
func (b *Broadcast) Del(ctx context.Context, keys ...string) error {
	b.Local.Del(ctx, keys...)
	b.publish(ctx, invalidation{Keys: keys})
	return nil
}

// Clear invalidates a prefix (or everything) here and in every other process.
func (b *Broadcast) Clear(ctx context.Context, prefix string) error {
	b.Local.Clear(ctx, prefix)
	b.publish(ctx, invalidation{Clear: true, Prefix: prefix})
	return nil
}
