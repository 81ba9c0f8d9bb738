package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strings"
)

// maxEvent bounds one server-sent event (a row is far smaller).
const maxEvent = 4 << 20

// gqlReply is a GraphQL response, of a subscription event or a query.
type gqlReply struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

// err is the first GraphQL error as an *Error (status 400 when the server
// gave none: a document it refused).
func (r *gqlReply) err() error {
	if len(r.Errors) == 0 {
		return nil
	}
	e := r.Errors[0]
	st := e.Extensions.Status
	if st == 0 {
		st = http.StatusBadRequest
	}
	return &Error{Status: st, Code: e.Extensions.Code, Message: e.Message}
}

// Subscribe runs a GraphQL subscription over server-sent events (POST
// /graphql, Accept: text/event-stream, as the server's SSE transport takes
// it) and yields field of each event's data, until ctx ends, the server
// completes the stream, or an error, which it yields last.
func Subscribe[E any](ctx context.Context, c *Client, field, query string, vars map[string]any) iter.Seq2[*E, error] {
	return func(yield func(*E, error) bool) {
		b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
		if err != nil {
			yield(nil, err)
			return
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.String()+"/graphql", bytes.NewReader(b))
		if err != nil {
			yield(nil, err)
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		if c.token != "" {
			req.Header.Set("bk-access-token", c.token)
		}
		res, err := c.hc.Do(req)
		if err != nil {
			yield(nil, err)
			return
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			yield(nil, replyError(res))
			return
		}
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 0, 64<<10), maxEvent)
		var event, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				event = strings.TrimSpace(line[len("event:"):])
			case strings.HasPrefix(line, "data:"):
				if data += strings.TrimSpace(line[len("data:"):]); len(data) > maxEvent {
					yield(nil, fmt.Errorf("client: a subscription event over %d bytes", maxEvent))
					return
				}
			case line == "":
				if event == "complete" {
					return
				}
				if data != "" {
					var r gqlReply
					if err := json.Unmarshal([]byte(data), &r); err != nil {
						yield(nil, fmt.Errorf("client: a subscription event does not decode: %w", err))
						return
					}
					if err := r.err(); err != nil {
						yield(nil, err)
						return
					}
					var e E
					if err := json.Unmarshal(r.Data[field], &e); err != nil {
						yield(nil, fmt.Errorf("client: %s event does not decode: %w", field, err))
						return
					}
					if !yield(&e, nil) {
						return
					}
				}
				event, data = "", ""
			}
		}
		if err := sc.Err(); err != nil && ctx.Err() == nil {
			yield(nil, err)
		}
	}
}
