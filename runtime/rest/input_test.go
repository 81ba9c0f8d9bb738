package rest

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/web"
)

// row has a column of every kind the readers take, plain and nullable.
type row struct {
	S     string
	NS    *string
	I     int8
	NI    *int64
	F     float32
	NF    *float64
	B     bool
	NB    *bool
	T     time.Time
	NT    *time.Time
	Y     []byte
	L     []string
	M     map[string]any
	given [13]bool
}

func readRow(in *Input) *row {
	var r row
	g := &r.given
	Str(in, "s", &r.S, &g[0])
	NStr(in, "ns", &r.NS, &g[1])
	Int(in, "i", &r.I, &g[2])
	NInt(in, "ni", &r.NI, &g[3])
	Float(in, "f", &r.F, &g[4])
	NFloat(in, "nf", &r.NF, &g[5])
	Bool(in, "b", &r.B, &g[6])
	NBool(in, "nb", &r.NB, &g[7])
	Time(in, "t", &r.T, &g[8])
	NTime(in, "nt", &r.NT, &g[9])
	Bytes(in, "y", &r.Y, &g[10])
	JSON(in, "l", &r.L, &g[11])
	JSON(in, "m", &r.M, &g[12])
	return &r
}

func request(method, ct, query, body string) *http.Request {
	r := httptest.NewRequest(method, "/x/add?"+query, strings.NewReader(body))
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	return r
}

// TestInput reads every kind from a query, a form and a JSON body, and
// checks the messages of bad values name the column and what it takes.
func TestInput(t *testing.T) {
	for _, c := range []struct {
		name  string
		req   *http.Request
		want  string // the error message, "" for none
		check func(*row) bool
	}{
		{"query", request("GET", "", "s=a&i=-5&f=1.5&b=true&t=2030-01-02&y=AQI%3D&ni=7", ""), "", func(r *row) bool {
			return r.S == "a" && r.I == -5 && r.F == 1.5 && r.B && r.T.Equal(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)) && bytes.Equal(r.Y, []byte{1, 2}) && *r.NI == 7 && r.given[0] && !r.given[1]
		}},
		{"form", request("POST", "application/x-www-form-urlencoded; charset=utf-8", "s=ignored", "s=b&nb=0&nt=1000"), "", func(r *row) bool {
			return r.S == "b" && !*r.NB && r.NT.UnixMilli() == 1000
		}},
		{"json", request("POST", "application/json", "", `{"s":"c","ns":null,"ni":null,"nf":2,"l":["x"],"m":{"k":1},"t":1000,"y":null,"s":"last"}`), "", func(r *row) bool {
			return r.S == "last" && r.NS == nil && r.given[1] && r.NI == nil && r.given[3] && *r.NF == 2 && r.L[0] == "x" && r.M["k"] == 1.0 && r.T.UnixMilli() == 1000 && r.Y == nil && r.given[10]
		}},
		{"json list ignored in a query", request("GET", "", "l=x", ""), "", func(r *row) bool { return !r.given[11] }},
		{"query int", request("GET", "", "i=abc", ""), `x.i: "abc" is not an integer`, nil},
		{"query int range of the type", request("GET", "", "i=300", ""), "x.i: 300 is out of range for int8", nil},
		{"query int64 range", request("GET", "", "ni=99999999999999999999", ""), `x.ni: "99999999999999999999" is out of range`, nil},
		{"query twice", request("GET", "", "s=a&s=b", ""), "x.s: given more than once", nil},
		{"query NaN", request("GET", "", "f=NaN", ""), `x.f: "NaN" is not a number`, nil},
		{"query bool", request("GET", "", "b=maybe", ""), `x.b: "maybe" is not true or false`, nil},
		{"query time", request("GET", "", "t=tomorrow", ""), "x.t: ", nil},
		{"query bytes", request("GET", "", "y=%25%25", ""), "x.y: not base64 bytes", nil},
		{"json string", request("POST", "application/json", "", `{"s":5}`), "x.s: not a JSON string", nil},
		{"json null string", request("POST", "application/json", "", `{"s":null}`), "x.s: cannot be null", nil},
		{"json fraction", request("POST", "application/json", "", `{"i":1.5}`), "x.i: not an integer", nil},
		{"json bool", request("POST", "application/json", "", `{"b":"yes"}`), "x.b: not true or false", nil},
		{"json list", request("POST", "application/json", "", `{"l":"x"}`), "x.l: not a list of strings", nil},
		{"json object", request("POST", "application/json", "", `{"m":[1]}`), "x.m: not an object", nil},
		{"first error kept", request("POST", "application/json", "", `{"s":1,"i":"x"}`), "x.s: not a JSON string", nil},
		{"json empty", request("POST", "application/json", "", ``), "the JSON body is empty or cut short", nil},
		{"json cut", request("POST", "application/json", "", `{"s":"a"`), "the JSON body is empty or cut short", nil},
		{"json array", request("POST", "application/json", "", `[1]`), "the JSON body must be an object", nil},
		{"json trailing", request("POST", "application/json", "", `{} x`), "the JSON body has more after the object", nil},
		{"json syntax", request("POST", "application/json", "", `{"s":"a",}`), "the body is not valid JSON", nil},
		{"content type", request("POST", "text/plain", "", `s=a`), "content type must be", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, err := ReadInput(c.req, "x")
			var r *row
			if err == nil {
				r = readRow(in)
				err = in.Err()
			}
			if c.want == "" {
				if err != nil || !c.check(r) {
					t.Fatalf("err %v, row %+v", err, r)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
			if status, _, _ := web.ErrorOf(err); status != 400 && status != 415 {
				t.Fatalf("status %d for %v", status, err)
			}
		})
	}
}

// FuzzInput: whatever the body and query, reading them is a row or an
// error the client is answered with (4xx), never a panic or a 500.
func FuzzInput(f *testing.F) {
	f.Add(0, "s=a&i=1", `{"s":"a","l":["x"],"nt":null}`)
	f.Add(1, "", `s=a&b=1&t=2030-01-01T10:00:00.5Z`)
	f.Add(2, "y=AQI=", `{"m":{"a":[1,{"b":null}]},"f":1e308}`)
	f.Fuzz(func(t *testing.T, kind int, query, body string) {
		method, ct := "POST", "application/json"
		switch kind % 3 {
		case 1:
			ct = "application/x-www-form-urlencoded"
		case 2:
			method, ct = "GET", ""
		}
		r, err := http.NewRequest(method, "/x/add", strings.NewReader(body))
		if err != nil {
			return
		}
		r.URL.RawQuery = query
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		in, err := ReadInput(r, "x")
		if err == nil {
			readRow(in)
			err = in.Err()
		}
		if err == nil {
			return
		}
		var ve *db.ValidationError
		var pr *web.Problem
		if !errors.As(err, &ve) && !errors.As(err, &pr) {
			t.Fatalf("%T %v", err, err)
		}
		if status, _, _ := web.ErrorOf(err); status >= 500 {
			t.Fatalf("status %d: %v", status, err)
		}
	})
}

// TestNullableNotGivenAllocs: reading a nullable column a request does not
// give allocates nothing (a get reads every column of its table's input).
func TestNullableNotGivenAllocs(t *testing.T) {
	in, err := ReadInput(httptest.NewRequest("GET", "/x/get?id=1", nil), "x")
	if err != nil {
		t.Fatal(err)
	}
	var due *time.Time
	var name *string
	var set bool
	if n := testing.AllocsPerRun(100, func() {
		NTime(in, "due", &due, &set)
		NStr(in, "name", &name, &set)
	}); n != 0 || set {
		t.Fatalf("%v allocations reading columns not given (set %v), want 0", n, set)
	}
	in, _ = ReadInput(httptest.NewRequest("GET", "/x/get?due=2026-12-01", nil), "x")
	NTime(in, "due", &due, &set)
	if !set || due == nil || due.Day() != 1 {
		t.Fatalf("a given time: %v, set %v", due, set)
	}
}

// TestNUUID: a nullable uuid column reads a uuid, refuses other text in our
// words, and leaves the field alone when not given.
func TestNUUID(t *testing.T) {
	read := func(query string) (*uuid.UUID, bool, error) {
		in, err := ReadInput(httptest.NewRequest("GET", "/x/add?"+query, nil), "x")
		if err != nil {
			t.Fatal(err)
		}
		var p *uuid.UUID
		var set bool
		NUUID(in, "ref", &p, &set)
		return p, set, in.Err()
	}
	id := uuid.New()
	if p, set, err := read("ref=" + id.String()); err != nil || !set || p == nil || *p != id {
		t.Fatalf("a uuid: %v %v %v", p, set, err)
	}
	if _, set, err := read("ref=nope"); err == nil || set || !strings.Contains(err.Error(), "not a uuid") {
		t.Fatalf("bad text: set %v, %v", set, err)
	}
	if p, set, err := read("other=1"); err != nil || set || p != nil {
		t.Fatalf("not given: %v %v %v", p, set, err)
	}
}
