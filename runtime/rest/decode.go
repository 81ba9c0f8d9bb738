package rest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/ogen-go/ogen/ogenerrors"

	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/web"
)

// DecodeErrors returns the ogen error handler of the generated API. ogen's
// decode errors carry its operation names, Go parser messages and byte
// offsets; this says instead, in the one error shape, which column or
// parameter was wrong and what it takes (photo.width: "abc" is not an
// integer), from the tables' descriptions. Other errors go to web.ErrorOf.
func DecodeErrors(tables []db.TableInfo) func(context.Context, http.ResponseWriter, *http.Request, error) {
	kinds := map[string]map[string]string{}
	for _, t := range tables {
		cols := map[string]string{}
		for _, c := range t.Columns {
			cols[c.Name] = c.Type
		}
		kinds[t.Name] = cols
	}
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, err error) {
		if msg, ok := decodeMessage(kinds, r.URL.Path, err); ok {
			web.Error(w, http.StatusBadRequest, "InvalidValue", msg)
			return
		}
		web.OgenErrors(ctx, w, r, err)
	}
}

// what each kind of value takes, as errors say it
var takes = map[string]string{
	"string": "a string",
	"int":    "an integer",
	"float":  "a number",
	"bool":   "true or false",
	"time":   db.TimeForms,
	"bytes":  "base64 bytes",
	"json":   "a JSON value",
}

// the control parameters' kinds (gen.ControlParams)
var controlKinds = map[string]string{"_ops": "string", "_count": "int", "_token": "string", "_select": "string", "_desc": "bool", "_sort": "string", "_total": "bool"}

var (
	jsonField = regexp.MustCompile(`decode field "([^"]{1,128})"`)
	formField = regexp.MustCompile(`decode "([^"]{1,128})"`)
)

// decodeMessage is err (a decode error of ogen) in our words.
func decodeMessage(kinds map[string]map[string]string, path string, err error) (string, bool) {
	var params *ogenerrors.DecodeParamsError
	var body *ogenerrors.DecodeRequestError
	if !errors.As(err, &params) && !errors.As(err, &body) || web.Transport(err) {
		return "", false
	}
	table, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	cols := kinds[table]
	name, isJSON := "", false
	var pe *ogenerrors.DecodeParamError
	switch {
	case errors.As(err, &pe):
		name = pe.Name
	case body != nil:
		text := err.Error()
		if m := jsonField.FindStringSubmatch(text); m != nil {
			name, isJSON = m[1], true
		} else if m := formField.FindStringSubmatch(text); m != nil {
			name = m[1]
		} else {
			return bodyMessage(text, err), true
		}
	}
	kind, ok := cols[name]
	where := table + "." + name
	if k, ctl := controlKinds[name]; ctl {
		kind, ok, where = k, true, name
	}
	if !ok {
		return fmt.Sprintf("%s: not a valid value", name), true
	}
	want := takes[kind]
	var ne *strconv.NumError
	switch {
	case strings.Contains(err.Error(), "multiple values"):
		return fmt.Sprintf("%s: given more than once; send one value", where), true
	case errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange):
		return fmt.Sprintf("%s: %s is out of range", where, quote(ne.Num)), true
	case errors.As(err, &ne):
		return fmt.Sprintf("%s: %s is not %s", where, quote(ne.Num), want), true
	case isJSON && kind == "string":
		return fmt.Sprintf("%s: not a JSON string", where), true
	}
	return fmt.Sprintf("%s: not %s", where, want), true
}

// bodyMessage describes a JSON body that is not an object of fields.
func bodyMessage(text string, err error) string {
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.HasSuffix(text, "EOF"):
		return "the JSON body is empty or cut short"
	case strings.Contains(text, `"{" expected`):
		return "the JSON body must be an object of column values"
	case strings.Contains(text, "trailing data"):
		return "the JSON body has more after the object"
	}
	return "the body is not valid JSON"
}

// quote shows a client's value in a message, cut to a sane length.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}
