// Package web is the HTTP side of the runtime: the server with its
// parameters, one middleware chain in front of every route, and the one
// error shape {"status","message","code"} for every failure — handler
// errors, request decoding, unknown routes, wrong methods, oversized bodies
// and panics alike.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/problem"
)

// Config holds the server parameters.
type Config struct {
	Port            int
	Bind            string
	MaxBody         int64
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	ShutdownTimeout time.Duration
	DrainTimeout    time.Duration
	WebDir          string   // the browser client's files, relative to HOME
	SPA             bool     // unknown pages get index.html
	CORSOrigins     []string // origins that may call the API from a browser
	SSLPort         int      // HTTPS port; 0 with no certificate: none
	SSLCert, SSLKey string   // PEM files, reloaded when they change
	RedirectSSL     bool     // plain HTTP requests get a redirect to HTTPS
	HSTS            time.Duration
}

// Params declares the server parameters on s.
func (c *Config) Params(s *config.Set) {
	s.Int(&c.Port, "api-port", 8000, "HTTP port")
	s.String(&c.Bind, "api-bind", "0.0.0.0", "address to listen on")
	s.Size(&c.MaxBody, "api-max-body", 1<<20, "largest request body; bigger ones get 413")
	s.Duration(&c.ReadTimeout, "api-read-timeout", 30*time.Second, "time to read a request, body included")
	s.Duration(&c.WriteTimeout, "api-write-timeout", 60*time.Second, "time to write a reply")
	s.Duration(&c.IdleTimeout, "api-idle-timeout", 120*time.Second, "keep-alive time of an idle connection")
	s.Duration(&c.ShutdownTimeout, "api-shutdown-timeout", 30*time.Second, "time in-flight requests get to finish on shutdown")
	s.String(&c.WebDir, "api-web-dir", "web", "directory of the browser client's files (relative to HOME), served without a signature for the asset paths of api-allow-path's defaults; none when missing")
	s.Bool(&c.SPA, "api-web-spa", false, "answer a GET for an unknown page (no extension, accepting HTML) with index.html, for a single-page app's router")
	s.List(&c.CORSOrigins, "api-cors-origin", "origin that may call the API from a browser: https://app.example.com, a regexp starting with ^, or * (any origin, without cookies); preflight OPTIONS get 204")
	s.Int(&c.SSLPort, "api-ssl-port", 0, "HTTPS port (0 with a certificate: a free port); needs -api-ssl-cert and -api-ssl-key")
	s.String(&c.SSLCert, "api-ssl-cert", "", "certificate file (PEM, the chain after the leaf) of HTTPS; read again when it changes")
	s.String(&c.SSLKey, "api-ssl-key", "", "private key file (PEM) of HTTPS; read again when it changes")
	s.Bool(&c.RedirectSSL, "api-redirect-ssl", false, "answer plain HTTP requests (but /ping) with a redirect to HTTPS")
	s.Duration(&c.HSTS, "api-hsts", 0, "max-age of the Strict-Transport-Security header on HTTPS replies; 0: none")
	s.Duration(&c.DrainTimeout, "api-drain-timeout", time.Second, "on shutdown, how long keep-alive connections are still served (each reply then closes its connection) before idle ones are closed")
}

// Middleware wraps a handler; middlewares run in the order given to Chain.
type Middleware func(http.Handler) http.Handler

// Chain returns h behind mws, the first one outermost.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// JSON writes v as a 200 JSON reply (a 500 in the error shape if v cannot
// be encoded).
func JSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		Error(w, http.StatusInternalServerError, "Error", "internal error")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
}

// Error writes the one error shape.
func Error(w http.ResponseWriter, status int, code, message string) {
	b, _ := json.Marshal(struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
		Code    string `json:"code"`
	}{status, message, code})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(b)
}

// Fail answers err in the one error shape, with the status, code and
// message ErrorOf gives it (which logs the 5xx ones).
func Fail(w http.ResponseWriter, err error) {
	status, code, msg := ErrorOf(err)
	Error(w, status, code, msg)
}

// Problem is the error of the API layers, with the status it is answered
// with: a refusal by a rule (NotOwner, NotReadable), an authentication
// failure (auth.Failure is this type), a bad request. Storage errors are
// db.Error, which ErrorOf maps by code. The Go client returns the same type.
type Problem = problem.Problem

// BadRequest is a 400 Problem: what the client sent cannot be read.
func BadRequest(code, message string) *Problem {
	return &Problem{Status: http.StatusBadRequest, Code: code, Message: message}
}

// storageStatus is the HTTP status of each code of the storage errors
// (db.Error): the storage layer knows nothing of HTTP.
var storageStatus = map[string]int{
	"NotFound":        http.StatusNotFound,
	"AlreadyExists":   http.StatusConflict,
	"ConditionFailed": http.StatusConflict,
	"Unsupported":     http.StatusBadRequest,
	"InvalidValue":    http.StatusBadRequest,
	"InvalidToken":    http.StatusBadRequest,
	"Overflow":        http.StatusBadRequest,
	"Refused":         http.StatusForbidden,
	"Unavailable":     http.StatusServiceUnavailable,
	"OverCapacity":    http.StatusServiceUnavailable,
}

// StatusOf is the HTTP status of a storage error's code; 500 for a code
// the table does not know.
func StatusOf(code string) int {
	if s, ok := storageStatus[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// ErrorOf maps an error to status, code and a message safe to show: the
// text of errors the caller caused, a fixed text for internal ones (5xx),
// which it logs with the whole error so that none goes unseen.
func ErrorOf(err error) (int, string, string) {
	var mbe *http.MaxBytesError
	var de *db.Error
	var pr *Problem
	var ve *db.ValidationError
	switch {
	case errors.As(err, &pr):
		return pr.Status, pr.Code, pr.Message
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, "TooLarge", fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)
	case errors.Is(err, context.Canceled):
		return 499, "Canceled", "request canceled"
	case errors.Is(err, context.DeadlineExceeded):
		slog.Warn("request ran out of time", "err", err)
		return http.StatusServiceUnavailable, "Timeout", "the request took too long"
	case errors.As(err, &de) && StatusOf(de.Code) >= 500:
		// the database's own words (addresses, drivers) stay in the log
		slog.Error("request failed", "err", err)
		return StatusOf(de.Code), de.Code, de.Message
	case de != nil:
		return StatusOf(de.Code), de.Code, err.Error()
	case errors.As(err, &ve):
		return http.StatusBadRequest, "InvalidValue", err.Error()
	case isSocket(err):
		// the client's connection failed while its body was read: its
		// details (addresses, syscalls) are not the client's business
		return http.StatusBadRequest, "BadBody", "cannot read the request body"
	}
	slog.Error("request failed", "err", err)
	return http.StatusInternalServerError, "Error", "internal error"
}

// isSocket reports an error of the connection itself.
func isSocket(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// NotFound answers unknown routes.
func NotFound(w http.ResponseWriter, r *http.Request) {
	Error(w, http.StatusNotFound, "NotFound", "no route "+r.URL.Path)
}

// MethodNotAllowed answers a known route called with another method.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request, allowed string) {
	w.Header().Set("Allow", allowed)
	Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", r.Method+" is not allowed on "+r.URL.Path+"; use "+allowed)
}

// Recover turns a panic into a 500 in the one shape, logged with the route.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				slog.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				Error(w, http.StatusInternalServerError, "Error", "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// LimitBody refuses bodies over max bytes with 413, before or while reading
// (a chunked body has no length to check first); paths may set a smaller
// limit for some paths (GraphQL documents).
func LimitBody(max int64, paths map[string]int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			max := max
			if l, ok := paths[r.URL.Path]; ok {
				max = l
			}
			if r.ContentLength > max {
				Error(w, http.StatusRequestEntityTooLarge, "TooLarge", "request body is larger than "+strconv.FormatInt(max, 10)+" bytes")
				return
			}
			if r.Body != http.NoBody { // the server's body of a request without one: nothing to limit
				r.Body = http.MaxBytesReader(w, r.Body, max)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Serve serves h on the configured address until ctx ends, then shuts down
// gracefully: in-flight requests get ShutdownTimeout to finish.
//
// Under the monitor the listening socket is inherited (ListenFDEnv): the
// monitor keeps it open across restarts, so connections wait in its
// backlog while a new web process starts instead of being refused.
func Serve(ctx context.Context, c Config, h http.Handler, ready func(addr string)) error {
	ln, err := Listen(c)
	if err != nil {
		return err
	}
	tln, err := listenTLS(c)
	if err != nil {
		ln.Close()
		return err
	}
	if tln != nil {
		h = secureHeaders(c, tln.Addr().String(), h)
	}
	// On shutdown, the connections a client keeps alive are drained rather
	// than cut: each next request on one is still served, with
	// "Connection: close", so the client reconnects (to the new process
	// when the socket is shared) instead of losing a request sent on a
	// connection closed under it. Idle ones left after DrainTimeout are
	// closed by Shutdown.
	var draining atomic.Bool
	conns := newConnCount()
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if draining.Load() {
				w.Header().Set("Connection", "close")
			}
			h.ServeHTTP(w, r)
		}),
		ConnState:         conns.track,
		ReadTimeout:       c.ReadTimeout,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if tln != nil {
		// the same server on the TLS listener: the same handler, timeouts
		// and drain; Shutdown closes both
		go func() { errc <- srv.Serve(tln) }()
		slog.Info("listening https", "addr", tln.Addr().String())
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	notifyReady()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting first, then let a connection accepted in that very
	// moment be tracked by the server before Shutdown looks for active
	// ones: otherwise Shutdown can find none, return, and the process
	// exits under that connection's request. (With a listening socket
	// shared with a new process, the old one accepts up to the last
	// moment.)
	closeListener(ln)
	if tln != nil {
		tln.Close()
	}
	time.Sleep(100 * time.Millisecond)
	draining.Store(true)
	conns.waitNone(c.DrainTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	return srv.Shutdown(sctx)
}

// closeListener closes ln, also when its accept sits in the kernel. The
// socket inherited from the monitor is shared, and so is its O_NONBLOCK:
// each new web process turns it blocking for a moment (net.FileListener
// calls os.File.Fd), and an accept of this process entered then blocks in
// the kernel, where Close waits for it, until a connection comes. A
// client that keeps its connections alive makes none, so this process
// would never stop: it connects to the socket itself until Close returns
// (a connection another process takes is closed at once; no harm).
func closeListener(ln net.Listener) {
	closed := make(chan struct{})
	go func() {
		ln.Close()
		close(closed)
	}()
	poke := time.NewTicker(50 * time.Millisecond)
	defer poke.Stop()
	for {
		select {
		case <-closed:
			return
		case <-poke.C:
			if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
				c.Close()
			}
		}
	}
}

// connCount counts the open connections of a server (ConnState), so that a
// drain can end as soon as the last one closes.
type connCount struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed while n == 0
}

func newConnCount() *connCount {
	z := make(chan struct{})
	close(z)
	return &connCount{zero: z}
}

func (c *connCount) track(_ net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		if c.n == 0 {
			c.zero = make(chan struct{})
		}
		c.n++
	case http.StateClosed, http.StateHijacked:
		c.n--
		if c.n == 0 {
			close(c.zero)
		}
	}
}

// waitNone returns when no connection is open, or after d.
func (c *connCount) waitNone(d time.Duration) {
	c.mu.Lock()
	z := c.zero
	c.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-z:
	case <-t.C:
	}
}

// Environment of a web process started by the monitor.
const (
	ListenFDEnv = "BK_LISTEN_FD" // the inherited listening socket
	ReadyFDEnv  = "BK_READY_FD"  // a pipe to write "ready" to once serving
)

// Listen returns the inherited listening socket, or a new one on the
// configured address.
func Listen(c Config) (net.Listener, error) {
	if v := os.Getenv(ListenFDEnv); v != "" {
		fd, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("web: %s=%q", ListenFDEnv, v)
		}
		f := os.NewFile(uintptr(fd), "listener")
		ln, err := net.FileListener(f)
		f.Close() // FileListener made its own copy
		if err != nil {
			return nil, fmt.Errorf("web: inherited listener: %w", err)
		}
		return ln, nil
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(c.Bind, strconv.Itoa(c.Port)))
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	return ln, nil
}

// notifyReady tells the monitor that this process serves.
func notifyReady() {
	v := os.Getenv(ReadyFDEnv)
	if v == "" {
		return
	}
	if fd, err := strconv.Atoi(v); err == nil {
		f := os.NewFile(uintptr(fd), "ready")
		_, err := f.Write([]byte("ready\n"))
		f.Close()
		if err != nil {
			slog.Warn("web: cannot tell the monitor this process serves", "err", err)
		}
	}
}

// CheckEscapes reports the first bad %-escape of a raw query or form body
// ("has a bad %-escape in …"): url.ParseQuery would drop that pair and go on,
// so a condition would silently vanish.
func CheckEscapes(raw string) error {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '%' {
			continue
		}
		if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
			end := min(i+3, len(raw))
			return fmt.Errorf("has a bad %%-escape %q: %% must be followed by two hex digits (write %%25 for %%)", raw[i:end])
		}
		i += 2
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
