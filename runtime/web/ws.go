package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// REST over WebSocket, as backendjs serves it: each text frame a client
// sends on /ws is a request URL (a path and its query, signed as a GET to
// the host of the connection), and the reply body comes back as a text
// frame, in the order of the requests. Every frame goes through the whole
// server (rate limits, the signature check, hooks, metrics) as an HTTP
// request would. Frames carry their own credentials: the connection's
// cookies are not passed on, so a page of another origin that opens a
// socket here cannot act as its visitor.
//
// A frame may also subscribe the connection to a table's writes
// (/ws/subscribe?table=todo, signed like any other): the server then pushes
// {"table","op","row"} frames between the replies, each row as the
// subscriber may see it (Subscribe).

// WSPath is the endpoint; WSSubscribePath the subscription request.
const (
	WSPath          = "/ws"
	WSSubscribePath = "/ws/subscribe"
)

// the largest frame a client may send, and the most subscriptions a
// connection may hold
const (
	wsMaxFrame = 64 << 10
	wsMaxSubs  = 16
)

// WebSocket serves REST over WebSocket through server (the whole handler
// chain; a func since the chain includes this handler).
func WebSocket(server func() http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			Error(w, http.StatusBadRequest, "BadRequest", WSPath+" takes WebSocket connections: each text frame is a signed request URL")
			return
		}
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
			// frames are signed and cookies are not used (above): any
			// origin may connect
			InsecureSkipVerify: true,
		})
		if err != nil {
			return // Accept has answered
		}
		defer c.CloseNow()
		c.SetReadLimit(wsMaxFrame)
		conn := &wsConn{c: c, host: r.Host, remote: r.RemoteAddr, ua: r.UserAgent(), tls: r.TLS != nil}
		ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
		defer cancel()
		ctx = context.WithValue(ctx, wsKey{}, conn)
		h := server()
		for {
			typ, frame, err := c.Read(ctx)
			if err != nil {
				return
			}
			if typ != websocket.MessageText {
				conn.send(ctx, errorBody(http.StatusBadRequest, "BadRequest", "frames are text: a request URL such as /todo/get?id=…&bk-signature=…"))
				continue
			}
			conn.send(ctx, conn.serve(ctx, h, string(frame)))
		}
	})
}

type wsKey struct{}

// wsConn is one client's socket.
type wsConn struct {
	c                *websocket.Conn
	host, remote, ua string
	tls              bool
	mu               sync.Mutex
	subs             int
}

// wsWriteTimeout bounds one frame's write: a client that stops reading
// loses its connection instead of holding the server's goroutines.
const wsWriteTimeout = 10 * time.Second

func (c *wsConn) send(ctx context.Context, b []byte) {
	ctx, cancel := context.WithTimeout(ctx, wsWriteTimeout)
	defer cancel()
	if err := c.c.Write(ctx, websocket.MessageText, b); err != nil {
		slog.Debug("websocket write", "err", err)
		c.c.CloseNow() // the reader loop and the pushes end with it
	}
}

// serve runs one frame's request through h and returns the reply body.
func (c *wsConn) serve(ctx context.Context, h http.Handler, frame string) []byte {
	frame = strings.TrimSpace(frame)
	u, err := url.ParseRequestURI(frame)
	if err != nil || !strings.HasPrefix(frame, "/") || u.Path == WSPath {
		return errorBody(http.StatusBadRequest, "BadRequest", "a frame is a request URL: a path and its query, such as /todo/get?id=…&bk-signature=…")
	}
	scheme := "http://"
	if c.tls {
		scheme = "https://"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+c.host+frame, nil)
	if err != nil {
		return errorBody(http.StatusBadRequest, "BadRequest", "the frame is not a request URL")
	}
	req.Host, req.RemoteAddr, req.RequestURI, req.Body = c.host, c.remote, frame, http.NoBody
	req.Header.Set("User-Agent", c.ua)
	rec := NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body
}

func errorBody(status int, code, msg string) []byte {
	rec := NewRecorder()
	Error(rec, status, code, msg)
	return rec.Body
}

// Subscribe is the handler of WSSubscribePath: watch opens the events of
// the table the request names, as its caller may see them, for as long as
// the request's context lasts; they are pushed on the request's socket
// until it closes.
func Subscribe(watch func(r *http.Request, table string) (<-chan []byte, func(), error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, ok := r.Context().Value(wsKey{}).(*wsConn)
		if !ok {
			Error(w, http.StatusBadRequest, "BadRequest", WSSubscribePath+" is a frame of a "+WSPath+" WebSocket connection")
			return
		}
		table := r.URL.Query().Get("table")
		conn.mu.Lock()
		full := conn.subs >= wsMaxSubs
		if !full {
			conn.subs++
		}
		conn.mu.Unlock()
		if full {
			Error(w, http.StatusBadRequest, "TooMany", "a connection holds at most 16 subscriptions")
			return
		}
		events, stop, err := watch(r, table)
		if err != nil {
			conn.mu.Lock()
			conn.subs--
			conn.mu.Unlock()
			Fail(w, err)
			return
		}
		go func() {
			defer stop()
			ctx := r.Context() // the connection's, with the subscriber's account
			for b := range events {
				conn.send(ctx, b)
			}
		}()
		JSON(w, map[string]string{"subscribed": table})
	}
}
