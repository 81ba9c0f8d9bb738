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
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	goerrors "github.com/go-faster/errors"
	"github.com/ogen-go/ogen/ogenerrors"
	"github.com/ogen-go/ogen/validate"

	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/db"
)

func init() {
	// ogen reports every absent optional parameter as an error made with
	// go-faster/errors, which captures a stack frame each time: 16% of the
	// CPU of a select request with its 13 optional parameters. Nothing
	// reads those traces.
	goerrors.DisableTrace()
}

// Config holds the server parameters.
type Config struct {
	Port            int
	Bind            string
	MaxBody         int64
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	ShutdownTimeout time.Duration
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

// ErrorOf maps an error to status, code and a message safe to show: the
// text of errors the caller caused, a fixed text for internal ones.
func ErrorOf(err error) (int, string, string) {
	var mbe *http.MaxBytesError
	var ct *validate.InvalidContentTypeError
	switch {
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, "TooLarge", fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)
	case errors.As(err, &ct):
		return http.StatusUnsupportedMediaType, "UnsupportedMediaType", "content type must be application/json or application/x-www-form-urlencoded"
	case errors.Is(err, context.Canceled):
		return 499, "Canceled", "request canceled"
	}
	status, code := db.HTTPStatus(err)
	if status != http.StatusInternalServerError {
		return status, code, err.Error()
	}
	var oe ogenerrors.Error
	if errors.As(err, &oe) {
		status = oe.Code()
		if status >= 400 && status < 500 {
			return status, "InvalidRequest", err.Error()
		}
	}
	return http.StatusInternalServerError, "Error", "internal error"
}

// OgenErrors is the ogen error handler: request decoding and validation
// failures in the one shape.
func OgenErrors(ctx context.Context, w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg := ErrorOf(err)
	if status >= 500 {
		slog.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	Error(w, status, code, msg)
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

// LimitBody refuses bodies over max bytes with 413, before or while reading.
func LimitBody(max int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > max {
				Error(w, http.StatusRequestEntityTooLarge, "TooLarge", "request body is larger than "+strconv.FormatInt(max, 10)+" bytes")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
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
	srv := &http.Server{
		Handler:           h,
		ReadTimeout:       c.ReadTimeout,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
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
	ln.Close()
	time.Sleep(100 * time.Millisecond)
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	return srv.Shutdown(sctx)
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
