package sign

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestTransportSignsWhatItSends checks the client against the server-side
// rules directly: the request the test server receives verifies.
func TestTransportSignsWhatItSends(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := Parse(r.Header.Get(HeaderName))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		q := r.URL.RawQuery
		if IsForm(r.Header.Get("Content-Type")) {
			q = string(body)
		} else if s.Checksum != "" && s.Checksum != Checksum(body) {
			t.Errorf("checksum does not match the body")
		}
		ok := Valid(s, Request{Method: r.Method, Host: r.Host, Path: r.URL.EscapedPath(), Query: q, ContentType: r.Header.Get("Content-Type")}, "s3cret")
		got = append(got, r.Method+" "+r.URL.Path+" "+map[bool]string{true: "ok", false: "bad"}[ok])
	}))
	defer srv.Close()
	c := &http.Client{Transport: &Transport{Login: "admin", Secret: "s3cret", TTL: time.Minute}}
	c.Get(srv.URL + "/todo/get?id=1&name=a%2Bb+c")
	c.PostForm(srv.URL+"/todo/add", url.Values{"name": {"milk & eggs"}, "descr": {"x"}})
	c.Post(srv.URL+"/todo/add", "application/json", strings.NewReader(`{"name":"milk"}`))
	c.Get(srv.URL + "/p%20ath/with%2Fescapes")
	want := "GET /todo/get ok|POST /todo/add ok|POST /todo/add ok|GET /p ath/with/escapes ok"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %s", strings.Join(got, "|"))
	}
}
