package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/jobs"
	"github.com/bkgen/bkgen/runtime/pubsub"
)

// noAccounts is the account store of a schema without bk_auth: every
// signed request gets 404 No account record found.
type noAccounts struct{}

func (noAccounts) Get(context.Context, string) (*auth.Account, error) { return nil, auth.ErrNoAccount }
func (noAccounts) Put(context.Context, *auth.Account) error {
	return errors.New("the schema has no bk_auth table")
}
func (noAccounts) List(context.Context) ([]auth.Account, error) { return nil, nil }
func (noAccounts) Del(context.Context, string) error            { return nil }

const shellUsage = `Usage: APP [params] shell COMMAND [flags]

  account-add    -login L [-secret S] [-password P] [-type T] [-name N]   add an account (bk_auth and its bk_account profile, as
                 [-auth-secret A] [-expires E]                            /account/add does); a secret is generated when not given
  account-secret -login L [-secret S] [-password P]                       set a new secret (printed when generated) and/or password,
                 [-auth-secret A] [-expires E]                            the auth_secret (- clears it) and the expiry
                 (E: RFC 3339 time, epoch ms, or a duration from now; 0 never expires)
  account-token-reset -login L                              new token_secret: ends every access token of the account
  account-list                                              list the accounts (never their secrets)
  tables-create                                             create missing tables, indexes and columns (never drops)
  job-run    -job NAME [-args JSON]                          run a job now, in this process, and wait for it
  job-submit -job NAME [-args JSON]                          enqueue a job on -jobs-queue (workers run it)
`

// shell runs one admin command against the database.
func (a *App) shell(ctx context.Context, dbc db.Config, pc pubsub.Config, jc jobs.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(stdout, shellUsage)
		return 0
	}
	cmd := args[0]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	login := fs.String("login", "", "account login")
	secret := fs.String("secret", "", "the secret (HMAC key of the account's signatures)")
	typ := fs.String("type", "", "account types, comma separated (admin)")
	name := fs.String("name", "", "display name")
	password := fs.String("password", "", "a password for /login, kept as a bcrypt hash")
	authSecret := fs.String("auth-secret", "", "a second secret that signatures must also use (- clears it)")
	expires := fs.String("expires", "", "when the account expires: RFC 3339 time, epoch ms, or a duration from now; 0: never")
	job := fs.String("job", "", "job name")
	jobArgs := fs.String("args", "{}", "job payload, JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "%s: %s: %v\n", a.Name, cmd, err)
		return 1
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var expiresMS int64
	if given["expires"] {
		var err error
		if expiresMS, err = parseExpires(*expires, time.Now()); err != nil {
			return fail(err)
		}
	}
	// what the signature check reads beside the secret: auth_secret, expires
	extra := func(acc *auth.Account) {
		if given["auth-secret"] {
			acc.AuthSecret = *authSecret
			if acc.AuthSecret == "-" {
				acc.AuthSecret = ""
			}
		}
		if given["expires"] {
			acc.Expires = expiresMS
		}
	}
	switch cmd {
	case "tables-create":
		dbc.CreateTables = true
		pools, err := a.open(ctx, dbc)
		if err != nil {
			return fail(err)
		}
		pools.Close()
		fmt.Fprintln(stdout, "tables created or up to date")
		return 0
	case "job-run", "job-submit":
		if err := a.shellJob(ctx, cmd, dbc, jc, *job, []byte(*jobArgs), stdout); err != nil {
			return fail(err)
		}
		return 0
	case "account-add", "account-secret", "account-token-reset", "account-list":
	default:
		fmt.Fprintf(stderr, "%s: unknown shell command %q\n\n%s", a.Name, cmd, shellUsage)
		return 2
	}
	if cmd != "account-list" && *login == "" {
		return fail(errors.New("-login is required"))
	}
	pools, err := a.open(ctx, dbc)
	if err != nil {
		return fail(err)
	}
	defer pools.Close()
	bus, err := pubsub.Open(pc) // with Redis, running servers forget the changed account at once
	if err != nil {
		return fail(fmt.Errorf("pubsub: %w", err))
	}
	defer bus.Close()
	accounts := a.sharedAccounts(pools.Default, bus)
	hash := ""
	// bcrypt is slow on purpose: once, and not here when /account/add
	// (which hashes it itself) makes the account
	if *password != "" && !(cmd == "account-add" && a.Routes != nil) {
		if hash, err = auth.HashPassword(*password); err != nil {
			return fail(err)
		}
	}
	generated := false
	if *secret == "" {
		b := make([]byte, 24)
		rand.Read(b)
		*secret, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	switch cmd {
	case "account-add":
		if _, err := accounts.Get(ctx, *login); err == nil {
			return fail(fmt.Errorf("account %q exists", *login))
		}
		if a.Routes != nil {
			// the same account /account/add makes: bk_auth and its profile
			if err := a.addAccount(ctx, pools.Default, accounts, url.Values{"login": {*login}, "secret": {*secret}, "type": {*typ}, "name": {*name}, "password": {*password}}); err != nil {
				return fail(err)
			}
		} else if err := accounts.Put(ctx, &auth.Account{Login: *login, Secret: *secret, Type: *typ, Name: *name, PasswordHash: hash}); err != nil {
			return fail(err)
		}
		if given["auth-secret"] || given["expires"] {
			acc, err := accounts.Get(ctx, *login)
			if err != nil {
				return fail(err)
			}
			next := *acc
			extra(&next)
			if err := accounts.Put(ctx, &next); err != nil {
				return fail(err)
			}
		}
	case "account-secret":
		acc, err := accounts.Get(ctx, *login)
		if err != nil {
			return fail(err)
		}
		next := *acc // the cached copy is shared
		// a new secret when one is given, or when nothing else is asked for
		if given["secret"] || !(given["password"] || given["auth-secret"] || given["expires"]) {
			next.Secret = *secret
		} else {
			generated = false
		}
		if hash != "" {
			next.PasswordHash = hash
		}
		extra(&next)
		if err := accounts.Put(ctx, &next); err != nil {
			return fail(err)
		}
	case "account-token-reset":
		acc, err := accounts.Get(ctx, *login)
		if err != nil {
			return fail(err)
		}
		acc.TokenSecret = *secret // random unless given
		if err := accounts.Put(ctx, acc); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "login=%s: access tokens revoked\n", *login)
		return 0
	case "account-list":
		list, err := accounts.List(ctx)
		if err != nil {
			return fail(err)
		}
		for _, acc := range list {
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", acc.Login, acc.ID, acc.Type, acc.Name)
		}
		return 0
	}
	if generated {
		fmt.Fprintf(stdout, "login=%s secret=%s\n", *login, *secret)
	} else {
		fmt.Fprintf(stdout, "login=%s\n", *login)
	}
	return 0
}

// addAccount makes an account through the application's /account/add, as
// an admin, so that the shell's account is the one the API makes (bk_auth
// and its bk_account profile, one rule for both).
func (a *App) addAccount(ctx context.Context, p *db.Pool, accounts auth.Accounts, form url.Values) error {
	mux := http.NewServeMux()
	a.Routes(p, mux, accounts)
	req := httptest.NewRequestWithContext(auth.WithAccount(ctx, &auth.Account{Login: "shell", Type: "admin"}), http.MethodPost, "/account/add", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		var e struct{ Message string }
		json.Unmarshal(w.Body.Bytes(), &e)
		return fmt.Errorf("%d %s", w.Code, e.Message)
	}
	return nil
}

// parseExpires reads an expiry: RFC 3339, epoch ms, a duration from now,
// or 0 for never.
func parseExpires(v string, now time.Time) (int64, error) {
	if v == "0" || v == "" {
		return 0, nil
	}
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms > 0 {
		return ms, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UnixMilli(), nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		return now.Add(d).UnixMilli(), nil
	}
	return 0, fmt.Errorf("-expires %q: want an RFC 3339 time, epoch ms, a duration from now (24h) or 0", v)
}

// shellJob runs a job in this process (job-run) or enqueues it (job-submit).
func (a *App) shellJob(ctx context.Context, cmd string, dbc db.Config, jc jobs.Config, name string, payload []byte, stdout io.Writer) error {
	if name == "" {
		return errors.New("-job is required")
	}
	pools, err := a.open(ctx, dbc)
	if err != nil {
		return err
	}
	defer pools.Close()
	var specs []jobs.Spec
	if a.Jobs != nil {
		specs = a.Jobs(pools.Default)
	}
	if cmd == "job-run" {
		jc.Queue = "local" // checks the name and payload like any enqueue
	}
	j, err := jobs.Open(jc, specs)
	if err != nil {
		return err
	}
	defer j.Close()
	if cmd == "job-submit" {
		if j.Local() {
			return errors.New("job-submit needs a shared queue (-jobs-queue redis://…): an in-process queue ends with this command; use job-run")
		}
		info, err := j.Enqueue(ctx, name, payload)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "job %s enqueued: id=%s queue=%s\n", name, info.ID, info.Queue)
		return nil
	}
	start := time.Now()
	if err := j.RunNow(ctx, name, payload); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "job %s done in %v\n", name, time.Since(start).Round(time.Millisecond))
	return nil
}
