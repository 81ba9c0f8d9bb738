package auth

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bkgen/bkgen/runtime/limit"
	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/bkgen/bkgen/runtime/web"
)

// Params reads the parameters of a request: the query, and a form body or
// a JSON object of strings, numbers and booleans.
func Params(r *http.Request) (map[string]string, error) {
	p, f := params(r)
	if f != nil {
		return nil, f // a nil *Failure must not become a non-nil error
	}
	return p, nil
}

// Names of the session cookie and the access-token parameter and header.
const (
	SessionCookie = "bk-session"
	TokenName     = "bk-access-token"
)

// The two credentials' header names as net/http keeps them: Header.Get
// canonicalises a lower-case name on every call, and for a name it does not
// know allocates the result, twice per request on every request (issue 21).
var (
	signatureHeader = textproto.CanonicalMIMEHeaderKey(sign.HeaderName)
	tokenHeader     = textproto.CanonicalMIMEHeaderKey(TokenName)
)

// header is r's first value of a canonical header name.
func header(r *http.Request, canonical string) string {
	if v := r.Header[canonical]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Checker verifies requests against the rules and the accounts.
type Checker struct {
	accounts         Accounts
	rules            atomic.Pointer[rules] // swapped whole by SetRules (live config)
	cfg              Config
	sessions, tokens *Sealer        // tokens nil: none issued
	limits           *limit.Limiter // login attempts, per login and per address
	now              func() time.Time
	maxBody          int64
	access           AccessCheck // nil: none
	trusted          func(origin string) bool
}

// TrustOrigins lets requests from the origins trusted reports (the CORS
// origins listed by name or pattern) use the session cookie; from any other
// origin it is refused as a cross-site request forgery.
func (ch *Checker) TrustOrigins(trusted func(origin string) bool) { ch.trusted = trusted }

// AccessCheck is the application's last word on a request (SetAccess): it
// gets the account the check found (nil: anonymous) and the check's
// refusal (nil: allowed) and returns the account to serve the request as
// and the refusal to answer, if any.
type AccessCheck func(r *http.Request, acc *Account, refused error) (*Account, error)

// SetAccess installs the application's access check; call it before serving.
func (ch *Checker) SetAccess(f AccessCheck) { ch.access = f }

// NewChecker compiles the rules; a bad regexp is an error naming it.
func NewChecker(c Config, accounts Accounts, maxBody int64) (*Checker, error) {
	perMinute := c.LoginRate
	if perMinute <= 0 {
		perMinute = 10
	}
	ch := &Checker{accounts: accounts, cfg: c, now: time.Now, maxBody: maxBody, limits: limit.New(perMinute, perMinute, time.Minute)}
	if c.SessionSecret == "" {
		b := make([]byte, 32)
		rand.Read(b)
		c.SessionSecret = string(b)
	}
	ch.sessions = NewSealer("session\x00" + c.SessionSecret)
	if c.TokenSecret != "" {
		ch.tokens = NewSealer("token\x00" + c.TokenSecret)
	}
	if err := ch.SetRules(c); err != nil {
		return nil, err
	}
	return ch, nil
}

// Middleware checks every request before the handlers; failures are written
// with write (the application's one error shape).
func (ch *Checker) Middleware(write func(w http.ResponseWriter, status int, code, message string)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			acc, err := ch.Check(r)
			if ch.access != nil {
				// the application's access checks decide last (backendjs's
				// registerAccessCheck): they may open what the rules refuse,
				// or refuse what they allow
				acc, err = ch.access(r, acc, err)
			}
			if err != nil {
				var f *Failure
				if errors.As(err, &f) {
					if f.ClearSession {
						clearSession(w)
					}
					write(w, f.Status, f.Code, f.Message)
				} else {
					// the accounts could not be read: the request may pass later
					slog.ErrorContext(r.Context(), "cannot check the request's account", "path", r.URL.Path, "err", err)
					w.Header().Set("Retry-After", "1")
					write(w, http.StatusServiceUnavailable, "Unavailable", "cannot check the signature now, try again shortly")
				}
				return
			}
			if acc != nil {
				r = r.WithContext(WithAccount(r.Context(), acc))
				web.NoteLogin(w, acc.Login)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Check runs backendjs's request check on r: path rules, the
// signature (header or query), expiry, the account, the HMAC, then the
// admin rule. It returns the account (nil on an open path) or a *Failure
// (with the account when the signature was good and a path rule refuses).
// It may read and restore r.Body (form bodies are signed as the query; other
// bodies carry a checksum).
func (ch *Checker) Check(r *http.Request) (*Account, error) {
	path := r.URL.Path
	rl := ch.rules.Load()
	if match(rl.deny, path) {
		return nil, &Failure{Status: http.StatusForbidden, Code: "DENY", Message: "Access denied"}
	}
	raw := queryValue(r.URL.RawQuery, sign.HeaderName)
	if raw == "" {
		raw = header(r, signatureHeader)
	}
	source := "signature"
	var sig sign.Signature
	var sealed string
	if raw == "" {
		if sealed = queryValue(r.URL.RawQuery, TokenName); sealed == "" {
			sealed = header(r, tokenHeader)
		}
		if sealed != "" {
			source = "token"
		} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			source, sealed = "session", c.Value
		}
	}
	open := match(rl.allow, path)
	if open && source == "session" {
		source, sealed = "signature", "" // the cookie is not needed there: /logout works with an expired one
	}
	if raw == "" && sealed == "" && (open || match(rl.anonymous, path)) {
		return nil, nil
	}
	// From here a credential was given: it is checked, on open paths too
	// (backendjs ignores it there), so an admin's signed request to an
	// open path still acts as the admin.
	if r.Method == "" || r.Host == "" {
		return nil, &Failure{Status: http.StatusUnsupportedMediaType, Code: "INVALID", Message: "Invalid request"}
	}
	var err error
	switch source {
	case "signature":
		sig, err = sign.Parse(raw)
	case "token":
		if ch.tokens == nil {
			err = ErrBadSeal
		} else {
			sig, err = ch.tokens.Open(sealed)
		}
	case "session":
		if crossOrigin(r) && (ch.trusted == nil || !ch.trusted(r.Header.Get("Origin"))) {
			// SameSite=Strict keeps the cookie off cross-site requests in
			// current browsers; this refuses the rest, and requests from
			// a sibling subdomain (same-site, so the cookie goes along).
			return nil, &Failure{Status: http.StatusForbidden, Code: "CSRF", Message: "Requests from another origin may not use the session"}
		}
		sig, err = ch.sessions.Open(sealed)
	}
	if err != nil {
		return nil, &Failure{Status: http.StatusExpectationFailed, Code: "NOLOGIN", Message: "No login provided", ClearSession: source == "session"}
	}
	maxAge := ch.cfg.MaxAge
	switch {
	case source == "signature" && (sig.Version == 4 || sig.Version == 1 && ch.cfg.AllowV1):
	case source == "token" && sig.Version == 3:
		maxAge = ch.cfg.TokenAge
	case source == "session" && sig.Version == 2:
		maxAge = ch.cfg.SessionAge
	default:
		// v2 belongs to sessions and v3 to access tokens, never a header
		return nil, &Failure{Status: http.StatusRequestedRangeNotSatisfiable, Code: "INVALID", Message: "Invalid request"}
	}
	now := ch.now().UnixMilli()
	if sig.Expires < now {
		return nil, &Failure{Status: http.StatusNotAcceptable, Code: "EXPIRED", Message: fmt.Sprintf("Expired request, check your clock, the server time is %s", ch.now().UTC().Format(time.RFC1123)), ClearSession: source == "session"}
	}
	if sig.Expires > now+maxAge.Milliseconds() {
		return nil, &Failure{Status: http.StatusNotAcceptable, Code: "EXPIRED", Message: fmt.Sprintf("The request expires too far in the future (more than %s ahead)", maxAge)}
	}
	req := sign.Request{Method: r.Method, Host: r.Host, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type")}
	if sig.Version == 4 || sig.Version == 1 {
		// Only what the signature covers is used: a form POST is signed by
		// its body, so its URL may carry nothing but the signature; any
		// other body is covered by the checksum, which it must then have.
		if body, err := ch.body(r); err != nil {
			return nil, err
		} else if sign.IsForm(req.ContentType) && r.Method == http.MethodPost {
			req.Query = string(body)
			if name := unsignedParam(r.URL.RawQuery); name != "" {
				return nil, &Failure{Status: http.StatusBadRequest, Code: "UNSIGNED", Message: fmt.Sprintf("The URL of a signed form POST may carry only %s: its body is what is signed, and %q is not in it", sign.HeaderName, name)}
			}
		} else if len(body) > 0 && sig.Checksum == "" {
			return nil, &Failure{Status: http.StatusBadRequest, Code: "UNSIGNED", Message: "A signed request with a body needs the body's checksum in its signature"}
		} else if sig.Checksum != "" && !sign.Equal(sig.Checksum, sign.Checksum(body)) {
			return nil, &Failure{Status: http.StatusBadRequest, Code: "CHECKSUM", Message: "The body does not match the signature's checksum"}
		}
	}
	acc, err := ch.accounts.Get(r.Context(), sig.Login)
	if errors.Is(err, ErrNoAccount) {
		// the same work as a real account, so that timing does not tell
		// which logins exist
		sign.Valid(sig, req, "x")
		return nil, &Failure{Status: http.StatusNotFound, Code: "NOLOGIN", Message: "No account record found", ClearSession: source == "session"}
	}
	if err != nil {
		return nil, err
	}
	if acc.Expires > 0 && acc.Expires < now {
		return nil, &Failure{Status: http.StatusPreconditionFailed, Code: "EXPIRED", Message: "This account has expired", ClearSession: source == "session"}
	}
	if !sign.Valid(sig, req, sign.Key(sig.Version, acc.Secret, acc.AuthSecret, acc.TokenSecret)) {
		return nil, &Failure{Status: http.StatusUnauthorized, Code: "NOAUTH", Message: "Not authenticated", ClearSession: source == "session"}
	}
	if source == "session" && acc.SessionEpoch > 0 {
		if issued, _ := strconv.ParseInt(sig.Tag, 10, 64); issued < acc.SessionEpoch {
			return nil, &Failure{Status: http.StatusUnauthorized, Code: "NOAUTH", Message: "The session has ended, log in again", ClearSession: true}
		}
	}
	// a refusal of the path rules comes with the account it refuses, for
	// the application's access check (SetAccess) to weigh
	return acc, ch.Authorize(acc, path)
}

// Authorize applies the path rules that depend on the account to acc (nil:
// anonymous) calling path: api-deny-path, api-allow-admin and the account
// type rules. The signature check runs them on the URL path; GraphQL on the
// REST path of each field (/todo/add for addTodo), so a rule on a path holds
// over both APIs.
func (ch *Checker) Authorize(acc *Account, path string) error {
	rl := ch.rules.Load()
	if match(rl.deny, path) {
		return &Failure{Status: http.StatusForbidden, Code: "DENY", Message: "Access denied"}
	}
	if acc != nil && acc.IsAdmin() {
		return nil
	}
	if match(rl.admin, path) {
		return &Failure{Status: http.StatusUnauthorized, Code: "ADMIN", Message: "Restricted access"}
	}
	if acc == nil {
		return nil
	}
	return ch.checkTypes(acc, path)
}

// crossOrigin reports a request a browser sent for another origin: its
// Sec-Fetch-Site says so, or its Origin is not this host.
func crossOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return false
	}
	u, err := url.Parse(o)
	return err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host)
}

// body reads the request body (bounded) and puts it back for the handlers.
func (ch *Checker) body(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, ch.maxBody+1))
	r.Body.Close()
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) { // a chunked body over the server's limit
		return nil, &Failure{Status: http.StatusRequestEntityTooLarge, Code: "TooLarge", Message: fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)}
	}
	if err != nil {
		return nil, &Failure{Status: http.StatusBadRequest, Code: "BODY", Message: "cannot read the request body"}
	}
	if int64(len(b)) > ch.maxBody {
		return nil, &Failure{Status: http.StatusRequestEntityTooLarge, Code: "TooLarge", Message: fmt.Sprintf("request body is larger than %d bytes", ch.maxBody)}
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// unsignedParam returns the name of the first parameter of a raw query that
// is not a signature piece (what the canonical query leaves out), or "".
func unsignedParam(raw string) string {
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if kv == "" || strings.HasPrefix(kv, sign.HeaderName) {
			continue
		}
		name, _, _ := strings.Cut(kv, "=")
		if u, err := url.QueryUnescape(name); err == nil {
			name = u
		}
		return name
	}
	return ""
}

// queryValue returns the first value of name in a raw query without parsing
// the whole query (this runs on every request).
func queryValue(raw, name string) string {
	if !strings.Contains(raw, name) {
		return ""
	}
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(kv, "=")
		if k == name {
			if u, err := url.QueryUnescape(v); err == nil {
				return u
			}
			return ""
		}
	}
	return ""
}
