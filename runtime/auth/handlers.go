package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/bkgen/bkgen/runtime/limit"
	"github.com/bkgen/bkgen/runtime/sign"
)

// Writer writes the application's one error shape.
type Writer func(w http.ResponseWriter, status int, code, message string)

// Routes registers /auth, /login and /logout.
//
//   - /auth (signed): the caller's account; _session=1 starts a session
//     (cookie), _session=0 ends it, _accesstoken=1 issues an access token.
//   - /login (open, rate-limited per login and per IP): login + secret, then
//     the same as /auth.
//   - /logout (open): ends the session.
func (ch *Checker) Routes(mux *http.ServeMux, write Writer) {
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		acc := FromContext(r.Context())
		if acc == nil {
			write(w, http.StatusExpectationFailed, "NOLOGIN", "No login provided")
			return
		}
		p, f := params(r)
		if f != nil {
			write(w, f.Status, f.Code, f.Message)
			return
		}
		ch.reply(w, r, acc, p, write)
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		p, f := params(r)
		if f != nil {
			write(w, f.Status, f.Code, f.Message)
			return
		}
		login, secret, password := p["login"], p["secret"], p["password"]
		if login == "" || (secret == "" && password == "") {
			write(w, http.StatusExpectationFailed, "NOLOGIN", "No username or password provided")
			return
		}
		if !ch.allowLogin(login, limit.ClientIP(r)) {
			write(w, http.StatusTooManyRequests, "LIMIT", "Access limit reached, please try again later.")
			return
		}
		acc, err := ch.accounts.Get(r.Context(), login)
		want := "\x00no account\x00"
		if err == nil {
			want = acc.Secret
		} else if err != ErrNoAccount {
			slog.ErrorContext(r.Context(), "login: cannot read the account", "err", err)
			w.Header().Set("Retry-After", "1")
			write(w, http.StatusServiceUnavailable, "Unavailable", "cannot log in now, try again shortly")
			return
		}
		// the same comparison whether or not the login exists, and the same
		// reply for both: no account enumeration
		ok := false
		if password != "" {
			hash := ""
			if acc != nil {
				hash = acc.PasswordHash
			}
			ok = CheckPassword(hash, password)
		} else {
			ok = sign.Equal(secret, want)
		}
		if !ok || acc == nil || (acc.Expires > 0 && acc.Expires < ch.now().UnixMilli()) {
			write(w, http.StatusUnauthorized, "NOAUTH", "Not authenticated")
			return
		}
		ch.reply(w, r, acc, p, write)
	})
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			if sig, err := ch.sessions.Open(c.Value); err == nil && sig.Version == 2 {
				if err := ch.endSessions(r.Context(), sig.Login); err != nil {
					write(w, http.StatusServiceUnavailable, "Unavailable", "cannot end the session now, try again")
					return
				}
			}
		}
		clearSession(w)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("{}"))
	})
}

// reply handles _session and _accesstoken and writes the account, without
// any secret.
func (ch *Checker) reply(w http.ResponseWriter, r *http.Request, acc *Account, p map[string]string, write Writer) {
	out := map[string]any{"id": acc.ID, "login": acc.Login, "name": acc.Name, "type": acc.Type}
	now := ch.now()
	switch p["_session"] {
	case "1", "true":
		http.SetCookie(w, &http.Cookie{
			Name: SessionCookie, Value: ch.sessions.Seal(Issue(2, acc, r.Host, ch.cfg.SessionAge, now)),
			Path: "/", MaxAge: int(ch.cfg.SessionAge.Seconds()), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
		})
	case "0", "false":
		if err := ch.endSessions(r.Context(), acc.Login); err != nil {
			write(w, http.StatusServiceUnavailable, "Unavailable", "cannot end the session now, try again")
			return
		}
		clearSession(w)
	}
	if v := p["_accesstoken"]; v == "1" || v == "true" {
		if ch.tokens == nil {
			write(w, http.StatusBadRequest, "NOTOKENS", "access tokens are off: set api-access-token-secret")
			return
		}
		out[TokenName] = ch.tokens.Seal(Issue(3, acc, r.Host, ch.cfg.TokenAge, now))
		out[TokenName+"-age"] = ch.cfg.TokenAge.Milliseconds()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(out)
}

// endSessions ends every session of login on the server: sessions carry the
// time they were issued, and the account's session_epoch moves past it, so
// a copy of the cookie kept elsewhere stops working too (on every process:
// the account change is announced to their caches). A sealed cookie can only
// come from this server, so the login in it is the account's own.
func (ch *Checker) endSessions(ctx context.Context, login string) error {
	acc, err := ch.accounts.Get(ctx, login)
	if err == ErrNoAccount {
		return nil
	}
	if err != nil {
		return err
	}
	next := *acc // the cached copy is shared: change a copy
	next.SessionEpoch = ch.now().UnixMilli() + 1
	return ch.accounts.Put(ctx, &next)
}

func clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// params reads the parameters of a request: the query, a form body or a
// JSON object of strings and numbers. Its errors are *Failure: 400 for
// what does not parse (in our words), 413 for a body over the limit.
func params(r *http.Request) (map[string]string, *Failure) {
	out := map[string]string{}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &Failure{Status: http.StatusBadRequest, Code: "BadEscape", Message: "the query has a bad %-escape: % must be followed by two hex digits (write %25 for %)"}
	}
	for k, v := range query {
		out[k] = v[0]
	}
	if r.Method != http.MethodPost || r.Body == nil {
		return out, nil
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case sign.IsForm(ct):
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyFailure(err)
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, &Failure{Status: http.StatusBadRequest, Code: "BadEscape", Message: "the form body has a bad %-escape: % must be followed by two hex digits (write %25 for %)"}
		}
		for k, v := range form {
			out[k] = v[0]
		}
	case strings.HasPrefix(ct, "application/json"):
		var m map[string]any
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyFailure(err)
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, &Failure{Status: http.StatusBadRequest, Code: "InvalidRequest", Message: "the body is not a JSON object of strings, numbers and booleans"}
		}
		for k, v := range m {
			switch x := v.(type) {
			case string:
				out[k] = x
			case float64, bool:
				b, _ := json.Marshal(x)
				out[k] = string(b)
			}
		}
	}
	return out, nil
}

// bodyFailure is the failure of reading a body: 413 over the limit, else a
// 400 that does not echo the connection's error.
func bodyFailure(err error) *Failure {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &Failure{Status: http.StatusRequestEntityTooLarge, Code: "TooLarge", Message: fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)}
	}
	return &Failure{Status: http.StatusBadRequest, Code: "BadBody", Message: "cannot read the request body"}
}

// allowLogin takes a token of the login, then of the address: a login
// attempt is limited per login and per address (-api-login-rate a minute).
func (ch *Checker) allowLogin(login, ip string) bool {
	now := ch.now()
	if ok, _ := ch.limits.Take("login:"+login, now); !ok {
		return false
	}
	ok, _ := ch.limits.Take("ip:"+ip, now)
	return ok
}
