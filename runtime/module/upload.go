package module

import (
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/bkgen/bkgen/runtime/web"
)

// Upload reads the file of a request, at most max bytes, and its signed
// parameters: a multipart part named field (the other small parts are
// parameters), the raw body of any other type than a form or JSON (the
// parameters are then the query's), or base64 in the parameter field of a
// query, form or JSON body. The parameter _name names another field than
// def. table names the route in errors.
func Upload(r *http.Request, table, def string, max int64) (map[string]string, []byte, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	field := func(p map[string]string) string {
		if f := p["_name"]; f != "" {
			return f
		}
		return def
	}
	switch {
	case r.Method == http.MethodPost && ct == "multipart/form-data":
		p, err := auth.Params(r) // the query
		if err != nil {
			return nil, nil, err
		}
		field := field(p)
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, nil, web.BadRequest("InvalidRequest", "the multipart body cannot be read")
		}
		var data []byte
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, nil, web.BadRequest("InvalidRequest", "the multipart body cannot be read")
			}
			b, err := io.ReadAll(io.LimitReader(part, max+1))
			if err != nil {
				return nil, nil, web.BadRequest("InvalidRequest", "the multipart body cannot be read")
			}
			if int64(len(b)) > max {
				return nil, nil, TooLarge(max)
			}
			if part.FormName() == field {
				data = b
			} else if part.FileName() == "" && len(b) <= 4096 {
				p[part.FormName()] = string(b)
			}
		}
		if data == nil {
			return nil, nil, db.Invalid(table, field, "the file is required (a part named %s)", field)
		}
		return p, data, nil
	case r.Method == http.MethodPost && ct != "" && !sign.IsForm(ct) && ct != "application/json":
		p, err := auth.Params(r) // the query only: the body is the file
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(io.LimitReader(r.Body, max+1))
		if err != nil {
			return nil, nil, web.BadRequest("InvalidRequest", "the body cannot be read")
		}
		if int64(len(b)) > max {
			return nil, nil, TooLarge(max)
		}
		return p, b, nil
	}
	p, err := auth.Params(r)
	if err != nil {
		return nil, nil, err
	}
	b, err := Base64(p, table, field(p), max)
	if err != nil {
		return nil, nil, err
	}
	return p, b, nil
}

// Base64 is the file in parameter field of p, base64 (standard or URL
// alphabet), at most max bytes once decoded.
func Base64(p map[string]string, table, field string, max int64) ([]byte, error) {
	s, ok := p[field]
	if !ok || s == "" {
		return nil, db.Invalid(table, field, "the file is required (base64 in %s, a multipart part, or the body)", field)
	}
	if int64(base64.StdEncoding.DecodedLen(len(s))) > max+3 {
		return nil, TooLarge(max)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawURLEncoding.DecodeString(s); err != nil {
			return nil, db.Invalid(table, field, "is not base64")
		}
	}
	if int64(len(b)) > max {
		return nil, TooLarge(max)
	}
	return b, nil
}

// TooLarge is the 413 of an upload over max bytes.
func TooLarge(max int64) error {
	return &web.Problem{Status: http.StatusRequestEntityTooLarge, Code: "TooLarge", Message: fmt.Sprintf("a file is at most %d bytes (-files-max-size)", max)}
}
