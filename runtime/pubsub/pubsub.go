// Package pubsub carries events between the parts of an application and
// between its processes: an in-process bus, and a Redis bus (go-redis v9)
// that delivers every event to every process using the same Redis.
// GraphQL subscriptions and other listeners read from it; every write
// through the API publishes to it.
package pubsub

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"

	"github.com/bkgen/bkgen/runtime/config"
)

// Bus publishes messages on topics and delivers them to subscribers.
// Delivery is best effort: a subscriber that does not read loses messages
// rather than holding up the others (memory stays bounded).
type Bus interface {
	Publish(ctx context.Context, topic string, msg []byte) error
	// Subscribe returns the messages of topic until ctx ends or cancel is
	// called; the channel is closed then.
	Subscribe(ctx context.Context, topic string) (msgs <-chan []byte, cancel func())
	Close() error
}

// Config selects the bus.
type Config struct{ URL string }

// Params declares the bus parameter on s.
func (c *Config) Params(s *config.Set) {
	s.String(&c.URL, "pubsub", "", "pub/sub: empty for in-process, or redis://host:port/db to reach every process")
}

// Open returns the configured bus.
func Open(c Config) (Bus, error) {
	if c.URL == "" {
		return NewLocal(), nil
	}
	return openRedis(c.URL)
}

// Shared reports a bus that reaches other processes (Redis), so that what
// is published on it is seen beyond this one.
func Shared(b Bus) bool {
	s, ok := b.(interface{ shared() bool })
	return ok && s.shared()
}

// SubscriberBuffer is how many messages wait for a slow subscriber before
// new ones are dropped for it.
const SubscriberBuffer = 64

// Local is an in-process bus.
type Local struct {
	mu     sync.Mutex
	subs   map[string]map[*sub]struct{}
	closed bool
}

type sub struct {
	ch   chan []byte
	once sync.Once
}

// NewLocal returns an in-process bus.
func NewLocal() *Local { return &Local{subs: map[string]map[*sub]struct{}{}} }

// Publish delivers msg to the current subscribers of topic without waiting.
func (l *Local) Publish(_ context.Context, topic string, msg []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for s := range l.subs[topic] {
		select {
		case s.ch <- msg:
		default: // a subscriber that does not read loses this message
		}
	}
	return nil
}

// Listened tells whether topic has a subscriber in this process.
func (l *Local) Listened(topic string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.subs[topic]) > 0
}

// Subscribe registers a subscriber of topic.
func (l *Local) Subscribe(ctx context.Context, topic string) (<-chan []byte, func()) {
	s := &sub{ch: make(chan []byte, SubscriberBuffer)}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		close(s.ch)
		return s.ch, func() {}
	}
	if l.subs[topic] == nil {
		l.subs[topic] = map[*sub]struct{}{}
	}
	l.subs[topic][s] = struct{}{}
	l.mu.Unlock()
	cancel := func() {
		l.mu.Lock()
		if _, ok := l.subs[topic][s]; ok {
			delete(l.subs[topic], s)
			if len(l.subs[topic]) == 0 {
				delete(l.subs, topic)
			}
			s.once.Do(func() { close(s.ch) })
		}
		l.mu.Unlock()
	}
	context.AfterFunc(ctx, cancel)
	return s.ch, cancel
}

// Close ends every subscription.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for topic, subs := range l.subs {
		for s := range subs {
			s.once.Do(func() { close(s.ch) })
		}
		delete(l.subs, topic)
	}
	return nil
}

// Event is what a write through the API publishes on its table's topic.
type Event struct {
	Op  string          `json:"op"`  // add, put, update, incr, del
	Row json.RawMessage `json:"row"` // the row as stored (for del: its key columns)
}

// PublishRow publishes an event about a row of table (nil bus: nothing).
// A failure to publish does not fail the write, which is made; it is logged.
func PublishRow(ctx context.Context, b Bus, table, op string, row any) {
	if b == nil {
		return
	}
	if l, ok := b.(interface{ Listened(string) bool }); ok && !l.Listened(table) {
		return // nobody to tell in this process: skip the encoding
	}
	data, err := json.Marshal(row)
	if err != nil {
		slog.WarnContext(ctx, "event not published", "table", table, "op", op, "err", err)
		return
	}
	// Event, encoded in one pass: op is one of a few lowercase words
	msg := make([]byte, 0, len(data)+len(op)+16)
	msg = strconv.AppendQuote(append(msg, `{"op":`...), op)
	msg = append(append(append(msg, `,"row":`...), data...), '}')
	if err := b.Publish(ctx, table, msg); err != nil {
		slog.WarnContext(ctx, "event not published", "table", table, "op", op, "err", err)
	}
}
