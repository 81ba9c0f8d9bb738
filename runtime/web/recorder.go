package web

import "net/http"

// Recorder holds a reply in memory: for a reply that is looked at or
// changed before it goes out (the after hooks), or that goes out another
// way (a WebSocket frame).
type Recorder struct {
	Status int
	Head   http.Header
	Body   []byte
	wrote  bool
}

// NewRecorder is an empty reply: 200, no header, no body.
func NewRecorder() *Recorder { return &Recorder{Status: http.StatusOK, Head: http.Header{}} }

func (r *Recorder) Header() http.Header { return r.Head }

func (r *Recorder) WriteHeader(status int) {
	if !r.wrote {
		r.Status, r.wrote = status, true
	}
}

func (r *Recorder) Write(b []byte) (int, error) {
	r.wrote = true
	r.Body = append(r.Body, b...)
	return len(b), nil
}
