// Package client is the hand-written core of the generated clients
// (generated/client): the HTTP calls, authentication (backendjs signatures,
// sessions, access tokens), the error type, typed conditions and paging.
// It imports only the standard library, runtime/sign and runtime/problem,
// so that a program using the client does not link the server.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"github.com/bkgen/bkgen/runtime/problem"
	"github.com/bkgen/bkgen/runtime/sign"
)

// Error is what the server answers when a request fails, its JSON error
// {"status":..,"message":..,"code":..}: the server's own type (web.Problem).
type Error = problem.Problem

// Errors to test with errors.Is; the codes are the server's (docs/api.md).
var (
	ErrNotFound  = &Error{Code: "NotFound"}
	ErrExists    = &Error{Code: "AlreadyExists"}
	ErrInvalid   = &Error{Code: "InvalidValue"}
	ErrCondition = &Error{Code: "ConditionFailed"}
)

// maxReply bounds what a reply may hold in memory (a page is at most 1000
// rows; the server's own body limit is 1 MB by default).
const maxReply = 64 << 20

// Client calls one server. It is safe for concurrent use once made.
type Client struct {
	base  *url.URL
	hc    *http.Client
	token string // bk-access-token, sent as a header
}

// Option configures a Client.
type Option func(*Client)

// Signed signs every request for the account (backendjs v4 signatures).
func Signed(login, secret string) Option {
	return func(c *Client) {
		base := c.hc.Transport
		c.hc.Transport = &sign.Transport{Login: login, Secret: secret, Base: base}
	}
}

// AccessToken sends the token (from Login with AccessToken) with every request.
func AccessToken(token string) Option { return func(c *Client) { c.token = token } }

// HTTPClient sends the requests with hc (its transport is wrapped by Signed
// when that is given after it).
func HTTPClient(hc *http.Client) Option {
	return func(c *Client) { cp := *hc; c.hc = &cp }
}

// New returns a client of the server at base (http://host:port).
func New(base string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: base URL %q is not http(s)://host[:port]", base)
	}
	c := &Client{base: u, hc: &http.Client{}}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Base is the server's URL.
func (c *Client) Base() string { return c.base.String() }

// HTTP is the http.Client the requests go through (signing included).
func (c *Client) HTTP() *http.Client { return c.hc }

// Login logs in with a login and a secret (or password) at /login. With
// session, the server's session cookie is kept and sent from then on; with
// token, the access token is kept and sent (the server needs
// -api-access-token-secret). It returns the account as the server shows it.
func (c *Client) Login(ctx context.Context, login, secret string, session, token bool) (map[string]any, error) {
	body := map[string]any{"login": login, "secret": secret}
	if session {
		body["_session"] = 1
		if c.hc.Jar == nil {
			jar, _ := cookiejar.New(nil)
			c.hc.Jar = jar
		}
	}
	if token {
		body["_accesstoken"] = 1
	}
	var acc map[string]any
	if err := c.Call(ctx, "/login", body, &acc); err != nil {
		return nil, err
	}
	if token {
		t, _ := acc["bk-access-token"].(string)
		if t == "" {
			return nil, errors.New("client: /login returned no access token (is -api-access-token-secret set?)")
		}
		c.token = t
	}
	return acc, nil
}

// Logout ends the session at /logout and forgets the access token.
func (c *Client) Logout(ctx context.Context) error {
	c.token = ""
	return c.Call(ctx, "/logout", map[string]any{}, nil)
}

// failure is the *Error of a reply with status st and body data: the
// server's JSON error, or the status text when the body is not one.
func failure(st int, data []byte) *Error {
	e := &Error{}
	if json.Unmarshal(data, e) != nil || e.Message == "" {
		e.Message = http.StatusText(st)
	}
	e.Status = st
	return e
}

// replyError reads a failed reply (at most 64 KiB of it) as an *Error.
func replyError(res *http.Response) *Error {
	data, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	return failure(res.StatusCode, data)
}

// Call posts body as JSON to path and decodes the reply into out (nil: the
// reply is read and dropped). A reply that is not 2xx is an *Error.
func (c *Client) Call(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("client: %s: %w", path, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base.String()+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("bk-access-token", c.token)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxReply+1))
	if err != nil {
		return fmt.Errorf("client: %s: reading the reply: %w", path, err)
	}
	if len(data) > maxReply {
		return fmt.Errorf("client: %s: reply over %d bytes", path, maxReply)
	}
	if res.StatusCode/100 != 2 {
		return failure(res.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("client: %s: the reply does not decode: %w", path, err)
	}
	return nil
}
