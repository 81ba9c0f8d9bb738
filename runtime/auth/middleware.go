package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/config"
)

// Account is what the signature check needs of a bk_auth row.
type Account struct {
	ID, Login, Name, Type string
	Secret                string
	AuthSecret            string
	TokenSecret           string
	Expires               int64 // ms; 0 never
}

// Types returns the account's comma-separated types.
func (a *Account) Types() []string {
	var out []string
	for _, t := range strings.Split(a.Type, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// IsAdmin reports the admin type.
func (a *Account) IsAdmin() bool {
	for _, t := range a.Types() {
		if t == "admin" {
			return true
		}
	}
	return false
}

// ErrNoAccount is returned by an Accounts for an unknown login.
var ErrNoAccount = errors.New("no such account")

// Accounts reads and writes bk_auth; generated code provides it.
type Accounts interface {
	Get(ctx context.Context, login string) (*Account, error)
	Put(ctx context.Context, a *Account) error
	List(ctx context.Context) ([]Account, error)
}

// Config holds the access rules (backendjs parameter names).
type Config struct {
	AllowPath      []string // no signature needed
	DenyPath       []string // refused for everyone
	AllowAdmin     []string // admins only
	AllowAnonymous []string // a signature is checked when given, not required
	MaxAge         time.Duration
	AllowV1        bool
}

// DefaultAllow are the paths open without a signature.
var DefaultAllow = []string{`^/ping$`, `^/login$`, `^/logout$`, `^/doc$`, `^/openapi\.yaml$`, `^/favicon\.ico$`}

// Params declares the access parameters on s.
func (c *Config) Params(s *config.Set) {
	s.List(&c.AllowPath, "api-allow-path", "regexp of paths open without a signature; adds to "+strings.Join(DefaultAllow, " "))
	s.List(&c.DenyPath, "api-deny-path", "regexp of paths refused to everyone (403)")
	s.List(&c.AllowAdmin, "api-allow-admin", "regexp of paths for admin accounts only")
	s.List(&c.AllowAnonymous, "api-allow-anonymous", "regexp of paths where a signature is checked when present but not required")
	s.Duration(&c.MaxAge, "api-signature-max-age", time.Hour, "how far in the future a signature may expire (backendjs has no bound)")
	s.Bool(&c.AllowV1, "api-signature-v1", false, "accept version 1 (HMAC-SHA1) signatures")
}

// Failure is an authentication or authorization failure, with backendjs's
// status and message.
type Failure struct {
	Status  int
	Code    string
	Message string
}

func (f *Failure) Error() string { return f.Message }

type ctxKey struct{}

// FromContext returns the account of a signed request, or nil.
func FromContext(ctx context.Context) *Account {
	a, _ := ctx.Value(ctxKey{}).(*Account)
	return a
}

// WithAccount returns ctx carrying a.
func WithAccount(ctx context.Context, a *Account) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// Checker verifies requests against the rules and the accounts.
type Checker struct {
	accounts                      Accounts
	allow, deny, admin, anonymous *regexp.Regexp
	maxAge                        time.Duration
	v1                            bool
	now                           func() time.Time
	maxBody                       int64
}

// NewChecker compiles the rules; a bad regexp is an error naming it.
func NewChecker(c Config, accounts Accounts, maxBody int64) (*Checker, error) {
	ch := &Checker{accounts: accounts, maxAge: c.MaxAge, v1: c.AllowV1, now: time.Now, maxBody: maxBody}
	var err error
	if ch.allow, err = compile("api-allow-path", append(append([]string{}, DefaultAllow...), c.AllowPath...)); err != nil {
		return nil, err
	}
	if ch.deny, err = compile("api-deny-path", c.DenyPath); err != nil {
		return nil, err
	}
	if ch.admin, err = compile("api-allow-admin", c.AllowAdmin); err != nil {
		return nil, err
	}
	if ch.anonymous, err = compile("api-allow-anonymous", c.AllowAnonymous); err != nil {
		return nil, err
	}
	return ch, nil
}

// compile joins a list of regexps as backendjs does: (a)|(b)|…; nil for none.
func compile(name string, list []string) (*regexp.Regexp, error) {
	var parts []string
	for _, r := range list {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if _, err := regexp.Compile(r); err != nil {
			return nil, fmt.Errorf("%s: %q: %v", name, r, err)
		}
		parts = append(parts, "("+r+")")
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return regexp.Compile(strings.Join(parts, "|"))
}

func match(re *regexp.Regexp, path string) bool { return re != nil && re.MatchString(path) }

// Middleware checks every request before the handlers; failures are written
// with write (the application's one error shape).
func (ch *Checker) Middleware(write func(w http.ResponseWriter, status int, code, message string)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			acc, err := ch.Check(r)
			if err != nil {
				var f *Failure
				if errors.As(err, &f) {
					write(w, f.Status, f.Code, f.Message)
				} else {
					write(w, http.StatusInternalServerError, "Error", "internal error")
				}
				return
			}
			if acc != nil {
				r = r.WithContext(WithAccount(r.Context(), acc))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Check runs the pipeline of backendjs-spec §1.7 on r: path rules, the
// signature (header or query), expiry, the account, the HMAC, then the
// admin rule. It returns the account (nil on an open path) or a *Failure.
// It may read and restore r.Body (form bodies are signed as the query; other
// bodies carry a checksum).
func (ch *Checker) Check(r *http.Request) (*Account, error) {
	path := r.URL.Path
	if match(ch.deny, path) {
		return nil, &Failure{http.StatusForbidden, "DENY", "Access denied"}
	}
	raw := r.URL.Query().Get(HeaderName)
	if raw == "" {
		raw = r.Header.Get(HeaderName)
	}
	open := match(ch.allow, path)
	if raw == "" && (open || match(ch.anonymous, path)) {
		return nil, nil
	}
	if open {
		return nil, nil // allowed paths never check a signature (backendjs)
	}
	if r.Method == "" || r.Host == "" {
		return nil, &Failure{http.StatusUnsupportedMediaType, "INVALID", "Invalid request"}
	}
	sig, err := Parse(raw)
	if err != nil {
		return nil, &Failure{http.StatusExpectationFailed, "NOLOGIN", "No login provided"}
	}
	switch {
	case sig.Version == 1 && !ch.v1, sig.Version == 2, sig.Version == 3, sig.Version > 4:
		// v2 belongs to sessions and v3 to access tokens, never a header
		return nil, &Failure{http.StatusRequestedRangeNotSatisfiable, "INVALID", "Invalid request"}
	}
	now := ch.now().UnixMilli()
	if sig.Expires < now {
		return nil, &Failure{http.StatusNotAcceptable, "EXPIRED", fmt.Sprintf("Expired request, check your clock, the server time is %s", ch.now().UTC().Format(time.RFC1123))}
	}
	if sig.Expires > now+ch.maxAge.Milliseconds() {
		return nil, &Failure{http.StatusNotAcceptable, "EXPIRED", fmt.Sprintf("The request expires too far in the future (more than %s ahead)", ch.maxAge)}
	}
	req := Request{Method: r.Method, Host: r.Host, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type")}
	if body, err := ch.body(r); err != nil {
		return nil, err
	} else if IsForm(req.ContentType) && r.Method == http.MethodPost {
		req.Query = string(body)
	} else if sig.Checksum != "" && !constantEqual(sig.Checksum, Checksum(body)) {
		return nil, &Failure{http.StatusBadRequest, "CHECKSUM", "The body does not match the signature's checksum"}
	}
	acc, err := ch.accounts.Get(r.Context(), sig.Login)
	if errors.Is(err, ErrNoAccount) {
		// the same work as a real account, so that timing does not tell
		// which logins exist
		Valid(sig, req, "x")
		return nil, &Failure{http.StatusNotFound, "NOLOGIN", "No account record found"}
	}
	if err != nil {
		return nil, err
	}
	if acc.Expires > 0 && acc.Expires < now {
		return nil, &Failure{http.StatusPreconditionFailed, "EXPIRED", "This account has expired"}
	}
	if !Valid(sig, req, Key(sig.Version, acc.Secret, acc.AuthSecret, acc.TokenSecret)) {
		return nil, &Failure{http.StatusUnauthorized, "NOAUTH", "Not authenticated"}
	}
	if match(ch.admin, path) && !acc.IsAdmin() {
		return nil, &Failure{http.StatusUnauthorized, "ADMIN", "Restricted access"}
	}
	return acc, nil
}

// body reads the request body (bounded) and puts it back for the handlers.
func (ch *Checker) body(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, ch.maxBody+1))
	r.Body.Close()
	if err != nil {
		return nil, &Failure{http.StatusBadRequest, "BODY", "cannot read the request body"}
	}
	if int64(len(b)) > ch.maxBody {
		return nil, &Failure{http.StatusRequestEntityTooLarge, "TooLarge", fmt.Sprintf("request body is larger than %d bytes", ch.maxBody)}
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

func constantEqual(a, b string) bool { return subtleEqual(a, b) }
