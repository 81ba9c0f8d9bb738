// Package pubsub carries events between the parts of an application and
// between its processes: an in-process bus, and a Redis bus (go-redis v9)
// that delivers every event to every process using the same Redis.
// GraphQL subscriptions and other listeners read from it; every write
// through the API publishes to it.
package pubsub

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

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
	return NewRedis(c.URL)
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

// Redis is a bus over Redis pub/sub: Publish sends to Redis, and one
// pattern subscription per process feeds a Local bus, so any number of
// local subscribers share one Redis connection.
type Redis struct {
	rdb    *redis.Client
	local  *Local
	ps     *redis.PubSub
	prefix string
	done   chan struct{}
	// Publishes are sent by one goroutine from this queue, in order, so
	// that a Redis that is down or hung never holds up the write that
	// publishes (the change is made; its event is best effort).
	out     chan outMsg
	sent    chan struct{} // closed when the sender has stopped
	dropped atomic.Int64
	mu      sync.RWMutex // Close against Publish: no send on a closed queue
	closed  bool
}

type outMsg struct {
	channel string
	msg     []byte
}

// publishQueue is how many events wait for Redis; more are dropped (and
// counted) rather than block writes.
const publishQueue = 4096

// NewRedis connects to the Redis at url (redis://host:port/db).
func NewRedis(url string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(opt)
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, err
	}
	r := &Redis{rdb: rdb, local: NewLocal(), prefix: "bk:", done: make(chan struct{}), out: make(chan outMsg, publishQueue), sent: make(chan struct{})}
	r.ps = rdb.PSubscribe(ctx, r.prefix+"*")
	if _, err := r.ps.Receive(ctx); err != nil { // the subscription is active before we return
		rdb.Close()
		return nil, err
	}
	go func() {
		defer close(r.done)
		for m := range r.ps.Channel() {
			r.local.Publish(ctx, strings.TrimPrefix(m.Channel, r.prefix), []byte(m.Payload))
		}
	}()
	go r.send()
	return r, nil
}

// send publishes the queued events until Close. While Redis fails, the
// events queued meanwhile are dropped for a second instead of each waiting
// for the timeout.
func (r *Redis) send() {
	defer close(r.sent)
	var downUntil time.Time
	for m := range r.out {
		if time.Now().Before(downUntil) {
			r.drop(m, nil)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), PublishTimeout)
		err := r.rdb.Publish(ctx, m.channel, m.msg).Err()
		cancel()
		if err != nil {
			downUntil = time.Now().Add(time.Second)
			r.drop(m, err)
		}
	}
}

func (r *Redis) drop(m outMsg, err error) {
	if n := r.dropped.Add(1); err != nil || n%1000 == 1 {
		slog.Warn("pubsub: event not published", "channel", m.channel, "dropped", n, "err", err)
	}
}

// PublishTimeout bounds one publish to Redis by the sender; the writes that
// publish never wait for it.
const PublishTimeout = 2 * time.Second

// ErrQueueFull is a publish dropped because Redis has not taken the
// events before it.
var ErrQueueFull = errors.New("pubsub: too many events waiting for redis; dropped")

// ErrClosed is a publish on a closed bus.
var ErrClosed = errors.New("pubsub: closed")

// Publish queues msg for every process subscribed to topic and returns at
// once: it is not cancelled with ctx (the change it announces has been
// made) and does not wait for Redis.
func (r *Redis) Publish(_ context.Context, topic string, msg []byte) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return ErrClosed
	}
	select {
	case r.out <- outMsg{channel: r.prefix + topic, msg: msg}:
		return nil
	default:
		r.dropped.Add(1)
		return ErrQueueFull
	}
}

// Subscribe receives topic's messages from every process.
func (r *Redis) Subscribe(ctx context.Context, topic string) (<-chan []byte, func()) {
	return r.local.Subscribe(ctx, topic)
}

// Close ends the subscriptions and the connection.
func (r *Redis) Close() error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.out)
	}
	r.mu.Unlock()
	<-r.sent // what was queued is sent (or dropped) first
	r.ps.Close()
	<-r.done
	r.local.Close()
	return r.rdb.Close()
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
