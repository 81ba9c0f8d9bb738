//go:build !bk_noredis

package pubsub

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// shared: a Redis bus reaches every process on the same Redis (Shared).
func (r *Redis) shared() bool { return true }

// openRedis is Open's Redis bus (redis_off.go refuses it in a binary built
// with -tags bk_noredis).
func openRedis(url string) (Bus, error) {
	r, err := NewRedis(url)
	if err != nil {
		return nil, err
	}
	return r, nil
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
