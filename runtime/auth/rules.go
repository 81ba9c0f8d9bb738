package auth

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bkgen/bkgen/runtime/admin"
	"github.com/bkgen/bkgen/runtime/config"
)

// The access rules: backendjs's path parameters, compiled, and the account
// type rules.

// Config holds the access rules (backendjs parameter names).
type Config struct {
	AllowPath      []string // no signature needed
	DenyPath       []string // refused for everyone
	AllowAdmin     []string // admins only
	AllowAnonymous []string // a signature is checked when given, not required
	MaxAge         time.Duration
	AllowV1        bool
	SessionSecret  string
	SessionAge     time.Duration
	TokenSecret    string
	TokenAge       time.Duration
	LoginRate      int                 // /login attempts per minute, per login and per IP
	AccountTTL     time.Duration       // how long an account read for a signature is reused
	AllowAccount   map[string][]string // type -> paths only accounts of some listed type may use
	DenyAccount    map[string][]string // type -> paths accounts of that type may not use
}

// DefaultAllow are the paths open without a signature.
var DefaultAllow = []string{`^/ping$`, `^/login$`, `^/logout$`, `^/doc$`, `^/openapi\.yaml$`, `^/favicon\.ico$`, `^/graphql/playground$`,
	// REST over WebSocket: every frame carries its own signature
	`^/ws$`,
	// the admin console's files (its data comes from the API, as an admin)
	admin.Allow,
	// the public icons (/image/PREFIX/ID/TYPE; the route serves those
	// whose acl_allow is all); no table route has four segments
	`^/image/[^/]+/[^/]+/[^/]+$`}

// DefaultAdmin are the paths only admins may use whatever the parameters:
// the /system/ endpoints (cache, jobs, …) of the runtime.
var DefaultAdmin = []string{`^/system/`}

// Params declares the access parameters on s.
func (c *Config) Params(s *config.Set) {
	s.List(&c.AllowPath, "api-allow-path", "regexp of paths open without a signature; adds to "+strings.Join(DefaultAllow, " "))
	s.List(&c.DenyPath, "api-deny-path", "regexp of paths refused to everyone (403)")
	s.List(&c.AllowAdmin, "api-allow-admin", "regexp of paths for admin accounts only; adds to "+strings.Join(DefaultAdmin, " "))
	s.List(&c.AllowAnonymous, "api-allow-anonymous", "regexp of paths where a signature is checked when present but not required")
	s.Duration(&c.MaxAge, "api-signature-max-age", time.Hour, "how far in the future a signature may expire (backendjs has no bound)")
	s.Bool(&c.AllowV1, "api-signature-v1", false, "accept version 1 (HMAC-SHA1) signatures")
	s.String(&c.SessionSecret, "api-session-secret", "", "key of session cookies; random per process when empty (sessions then end on restart)")
	s.Duration(&c.SessionAge, "api-session-age", 14*24*time.Hour, "lifetime of a session")
	s.String(&c.TokenSecret, "api-access-token-secret", "", "key of access tokens; no tokens are issued when empty")
	s.Duration(&c.TokenAge, "api-access-token-age", 7*24*time.Hour, "lifetime of an access token")
	s.Int(&c.LoginRate, "api-login-rate", 10, "/login attempts per minute allowed per login and per IP (429 beyond)")
	s.Duration(&c.AccountTTL, "api-account-cache-ttl", 5*time.Second, "how long an account read to check a signature is reused; a new secret set by another process takes effect within it (0: read every time)")
	c.AllowAccount, c.DenyAccount = map[string][]string{}, map[string][]string{}
	s.Prefix("api-allow-account-", "regexp of paths only accounts of type NAME (or of another type with its own rule for the path) may use", func(typ, v string) error {
		c.AllowAccount[typ] = append(c.AllowAccount[typ], v)
		return nil
	})
	s.Prefix("api-deny-account-", "regexp of paths accounts of type NAME may not use", func(typ, v string) error {
		c.DenyAccount[typ] = append(c.DenyAccount[typ], v)
		return nil
	})
}

// rules are the compiled path rules of the access check.
type rules struct {
	allow, deny, admin, anonymous *pathRule
	allowType, denyType           map[string]*pathRule
}

// SetRules compiles the path rules of c (api-allow-path, api-deny-path,
// api-allow-admin, api-allow-anonymous, api-allow-account-*,
// api-deny-account-*) and swaps them in at once; on an error the rules
// in force stay.
func (ch *Checker) SetRules(c Config) error {
	var (
		r   rules
		err error
	)
	if r.allow, err = compile("api-allow-path", append(append([]string{}, DefaultAllow...), c.AllowPath...)); err != nil {
		return err
	}
	if r.deny, err = compile("api-deny-path", c.DenyPath); err != nil {
		return err
	}
	if r.admin, err = compile("api-allow-admin", append(append([]string{}, DefaultAdmin...), c.AllowAdmin...)); err != nil {
		return err
	}
	if r.anonymous, err = compile("api-allow-anonymous", c.AllowAnonymous); err != nil {
		return err
	}
	r.allowType, r.denyType = map[string]*pathRule{}, map[string]*pathRule{}
	for typ, list := range c.AllowAccount {
		if r.allowType[typ], err = compile("api-allow-account-"+typ, list); err != nil {
			return err
		}
	}
	for typ, list := range c.DenyAccount {
		if r.denyType[typ], err = compile("api-deny-account-"+typ, list); err != nil {
			return err
		}
	}
	ch.rules.Store(&r)
	return nil
}

// compile joins a list of regexps as backendjs does: (a)|(b)|…; nil for none.
func compile(name string, list []string) (*pathRule, error) {
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
	re, err := regexp.Compile(strings.Join(parts, "|"))
	if err != nil {
		return nil, err
	}
	return &pathRule{re: re}, nil
}

// pathRule is one compiled rule that remembers its answer for each path it
// was asked about, up to maxRememberedPaths paths of at most
// maxRememberedLen bytes (under 1 MiB in all, whatever clients send). The
// alternation of every regexp of a rule (the defaults and the operator's)
// costs more than the rest of a signed request's check, while the paths a
// server is asked about are mostly its few routes. Any other path (a
// client inventing them) is matched each time, as before. A new set of
// rules (SetRules) starts with nothing remembered.
type pathRule struct {
	re   *regexp.Regexp
	seen sync.Map // path → bool
	n    atomic.Int64
}

const (
	maxRememberedPaths = 4096
	maxRememberedLen   = 128
)

func match(r *pathRule, path string) bool {
	if r == nil {
		return false
	}
	if len(path) > maxRememberedLen {
		return r.re.MatchString(path)
	}
	if v, ok := r.seen.Load(path); ok {
		return v.(bool)
	}
	m := r.re.MatchString(path)
	if r.n.Add(1) <= maxRememberedPaths {
		r.seen.Store(path, m)
	}
	return m
}

// checkTypes applies the per-type rules to a non-admin account: a
// deny-account rule of one of its types refuses the path; when allow-account
// rules match the path, one of them must be for one of its types.
func (ch *Checker) checkTypes(acc *Account, path string) error {
	rl := ch.rules.Load()
	for typ, re := range rl.denyType {
		if acc.HasType(typ) && match(re, path) {
			return &Failure{Status: http.StatusUnauthorized, Code: "DENY", Message: "Access denied"}
		}
	}
	restricted := false
	for typ, re := range rl.allowType {
		if match(re, path) {
			restricted = true
			if acc.HasType(typ) {
				return nil
			}
		}
	}
	if restricted {
		return &Failure{Status: http.StatusUnauthorized, Code: "ALLOW", Message: "Access is not allowed"}
	}
	return nil
}
