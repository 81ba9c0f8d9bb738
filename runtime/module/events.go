package module

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/pubsub"
)

// Account events: what the modules tell an account about (a message for
// it, a connection made to it or removed, a change of its counters or its
// account), published on the bus, so that a subscriber in any process
// sharing it (-pubsub redis://…) gets them: /account/subscribe as a long
// poll (backendjs's), or as a stream of server-sent events.

// Event is one account event.
type Event struct {
	Type  string          `json:"type"`           // message, connection, reference, counter, account
	Op    string          `json:"op"`             // add, update, del, read, archive, incr
	ID    string          `json:"id"`             // the account it is for
	From  string          `json:"from,omitempty"` // the account whose request made it, when another
	Mtime int64           `json:"mtime"`          // ms
	Row   json.RawMessage `json:"row,omitempty"`  // what the account may see of the row
}

// Topic is the bus topic of an account's events.
func Topic(id string) string { return "bk_account.events." + id }

// Publish sends e to the subscribers of account e.ID. A failure is logged,
// not returned: the write it tells about is made.
func Publish(ctx context.Context, bus pubsub.Bus, e Event) {
	if bus == nil || e.ID == "" {
		return
	}
	if e.Mtime == 0 {
		e.Mtime = time.Now().UnixMilli()
	}
	b, err := json.Marshal(e)
	if err == nil {
		err = bus.Publish(ctx, Topic(e.ID), b)
	}
	if err != nil {
		slog.WarnContext(ctx, "account event not published", "type", e.Type, "id", e.ID, "err", err)
	}
}

// maxBatch bounds the events one long poll returns.
const maxBatch = 100

// Subscription is one /account/subscribe request.
type Subscription struct {
	ID       string         // the account
	Match    *regexp.Regexp // nil: every event; else the events whose "type:op" it matches
	Interval time.Duration  // a long poll replies this long after the last event (0: at once)
	Timeout  time.Duration  // a long poll replies [] after this; a stream ends
}

// Serve runs s on w: a stream of server-sent events when the client
// accepts text/event-stream, else a long poll that replies with a JSON
// array of events. In both the status line and headers are sent as soon
// as the subscription is in place, so a client knows from them that no
// event made after is missed.
func (s Subscription) Serve(w http.ResponseWriter, r *http.Request, bus pubsub.Bus) {
	ctx, cancel := context.WithTimeout(r.Context(), s.Timeout)
	defer cancel()
	msgs, stop := bus.Subscribe(ctx, Topic(s.ID))
	defer stop()
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Now().Add(s.Timeout + 10*time.Second)) // past -api-write-timeout
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	stream := strings.Contains(r.Header.Get("Accept"), "text/event-stream")
	if stream {
		h.Set("Content-Type", "text/event-stream")
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(http.StatusOK)
	if stream {
		w.Write([]byte(": subscribed\n\n"))
	}
	rc.Flush()
	if stream {
		s.stream(ctx, w, rc, msgs)
		return
	}
	w.Write(s.poll(ctx, msgs))
}

func (s Subscription) wanted(msg []byte) bool {
	if s.Match == nil {
		return true
	}
	var e struct{ Type, Op string }
	return json.Unmarshal(msg, &e) == nil && s.Match.MatchString(e.Type+":"+e.Op)
}

// poll waits for the first event, then for Interval without another (as
// backendjs's api-subscribe-interval), and returns them as a JSON array.
func (s Subscription) poll(ctx context.Context, msgs <-chan []byte) []byte {
	var batch [][]byte
	var quiet <-chan time.Time
	for len(batch) < maxBatch {
		select {
		case m, ok := <-msgs:
			if !ok {
				return join(batch)
			}
			if !s.wanted(m) {
				continue
			}
			batch = append(batch, m)
			if s.Interval <= 0 {
				// at once, with what is already queued
				for len(batch) < maxBatch {
					select {
					case m, ok := <-msgs:
						if ok && s.wanted(m) {
							batch = append(batch, m)
						}
						if ok {
							continue
						}
					default:
					}
					break
				}
				return join(batch)
			}
			quiet = time.After(s.Interval)
		case <-quiet:
			return join(batch)
		case <-ctx.Done():
			return join(batch)
		}
	}
	return join(batch)
}

func join(batch [][]byte) []byte {
	out := []byte{'['}
	for i, m := range batch {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, m...)
	}
	return append(out, ']')
}

// stream writes each event as it comes, with a comment line every 25 s so
// that proxies keep the connection.
func (s Subscription) stream(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, msgs <-chan []byte) {
	ping := time.NewTicker(25 * time.Second)
	defer ping.Stop()
	for {
		select {
		case m, ok := <-msgs:
			if !ok {
				return
			}
			if !s.wanted(m) {
				continue
			}
			if _, err := w.Write(append(append([]byte("event: account\ndata: "), m...), '\n', '\n')); err != nil {
				return
			}
		case <-ping.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
		case <-ctx.Done():
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}
