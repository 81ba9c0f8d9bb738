package sign

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"
)

// Transport is an http.RoundTripper that signs every request with version 4
// for an account, as backendjs clients do: form bodies are signed as the
// query, other bodies get a SHA-1 checksum in the signature.
//
//	client := &http.Client{Transport: &auth.Transport{Login: "admin", Secret: "…"}}
//	res, err := client.Get("http://localhost:8000/todo/select")
type Transport struct {
	Login, Secret string
	AuthSecret    string            // the account's auth_secret, when it has one
	Tag           string            // optional tag field
	TTL           time.Duration     // signature lifetime; default 30 s
	Base          http.RoundTripper // default http.DefaultTransport
	Now           func() time.Time  // for tests
}

// RoundTrip signs a copy of req and sends it.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	r.Header.Set(HeaderName, t.Signature(r, body).String())
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

// Signature returns the signature of r with the given body.
func (t *Transport) Signature(r *http.Request, body []byte) Signature {
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	ttl := t.TTL
	if ttl <= 0 {
		ttl = 30 * time.Second
	}
	s := Signature{Version: 4, Tag: t.Tag, Login: t.Login, Expires: now().Add(ttl).UnixMilli()}
	return Sign(s, t.request(r, body, &s), Key(4, t.Secret, t.AuthSecret, ""))
}

func (t *Transport) request(r *http.Request, body []byte, s *Signature) Request {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	ct := r.Header.Get("Content-Type")
	q := r.URL.RawQuery
	if IsForm(ct) && r.Method == http.MethodPost {
		q = string(body)
	} else if len(body) > 0 {
		s.Checksum = Checksum(body)
	}
	return Request{Method: r.Method, Host: host, Path: r.URL.EscapedPath(), Query: q, ContentType: ct}
}

// IsForm reports a form content type (its body is signed as the query).
func IsForm(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/x-www-form-urlencoded"
}

// SignURL returns uri (a path and query) with a GET signature for host in
// its query: what REST over WebSocket takes as a frame, or a link that
// works for the signature's lifetime.
func (t *Transport) SignURL(host, uri string) (string, error) {
	r, err := http.NewRequest(http.MethodGet, "http://"+host+uri, nil)
	if err != nil {
		return "", err
	}
	sep := "?"
	if r.URL.RawQuery != "" {
		sep = "&"
	}
	return uri + sep + HeaderName + "=" + url.QueryEscape(t.Signature(r, nil).String()), nil
}
