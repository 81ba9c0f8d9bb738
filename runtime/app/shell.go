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
	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/jobs"
	"github.com/bkgen/bkgen/runtime/module"
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

const shellUsage = `Usage: APP [params] shell COMMAND [flags] [params]

The application's parameters (-db-pool, -home, ...) may come before shell or after COMMAND.

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

type shellOpts struct {
	login, secret, typ, name, password, authSecret, expires, job, jobArgs string
}

// newShellFlags declares the flags of the shell commands.
func newShellFlags(cmd string) (*flag.FlagSet, *shellOpts) {
	o := &shellOpts{}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.StringVar(&o.login, "login", "", "account login")
	fs.StringVar(&o.secret, "secret", "", "the secret (HMAC key of the account's signatures)")
	fs.StringVar(&o.typ, "type", "", "account types, comma separated (admin)")
	fs.StringVar(&o.name, "name", "", "display name")
	fs.StringVar(&o.password, "password", "", "a password for /login, kept as a bcrypt hash")
	fs.StringVar(&o.authSecret, "auth-secret", "", "a second secret that signatures must also use (- clears it)")
	fs.StringVar(&o.expires, "expires", "", "when the account expires: RFC 3339 time, epoch ms, or a duration from now; 0: never")
	fs.StringVar(&o.job, "job", "", "job name")
	fs.StringVar(&o.jobArgs, "args", "{}", "job payload, JSON")
	return fs, o
}

// splitShellArgs separates, in `shell CMD args...`, the shell's own flags
// from the application's parameters (bkapp shell account-list -db-pool pg),
// which it applies to params. A word that is neither is an error naming the
// nearest of both.
func splitShellArgs(params *config.Set, cmd string, args []string) ([]string, error) {
	fs, _ := newShellFlags(cmd)
	var own []string
	for i := 0; i < len(args); {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			return nil, fmt.Errorf("unexpected %q after shell %s (flags are -name value; see shell -h)", a, cmd)
		}
		name, _, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			return append(own, a), nil
		}
		if fs.Lookup(name) != nil {
			own = append(own, a)
			i++
			if !hasVal && i < len(args) {
				own = append(own, args[i])
				i++
			}
			continue
		}
		n, err := params.ParseFlag(args[i:])
		var unknown *config.UnknownError
		if errors.As(err, &unknown) {
			var own []string
			fs.VisitAll(func(f *flag.Flag) { own = append(own, f.Name) })
			// the command's own flag wins a tie (-logn: -login, not -log)
			best, ok := config.Nearest(name, own)
			if p, pok := config.Nearest(name, params.Names()); pok && (!ok || config.Distance(name, p) < config.Distance(name, best)) {
				best, ok = p, true
			}
			if ok {
				return nil, fmt.Errorf("shell %s: unknown flag -%s; did you mean -%s?", cmd, name, best)
			}
			return nil, fmt.Errorf("shell %s: unknown flag -%s (see shell -h and -help)", cmd, name)
		}
		if err != nil {
			return nil, err
		}
		i += n
	}
	return own, nil
}

// shell runs one admin command against the database.
func (a *App) shell(ctx context.Context, st *settings, args []string, stdout, stderr io.Writer) int {
	dbc, pc := st.dbc, st.pc
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(stdout, shellUsage)
		return 0
	}
	cmd := args[0]
	fs, o := newShellFlags(cmd)
	fs.SetOutput(stderr)
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	login, secret, typ, name, password, authSecret, expires, job, jobArgs := &o.login, &o.secret, &o.typ, &o.name, &o.password, &o.authSecret, &o.expires, &o.job, &o.jobArgs
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
		if err := a.shellJob(ctx, cmd, st, *job, []byte(*jobArgs), stdout); err != nil {
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
	if a.Modules != nil && a.Modules.Hooks != nil {
		fs, err := openFiles(ctx, st.fc, st.home) // an account's icons go with it
		if err != nil {
			return fail(err)
		}
		a.Modules.Hooks(module.Env{Pool: pools.Default, Bus: bus, Files: fs})
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
func (a *App) shellJob(ctx context.Context, cmd string, st *settings, name string, payload []byte, stdout io.Writer) error {
	dbc, jc := st.dbc, st.jc
	if name == "" {
		return errors.New("-job is required")
	}
	pools, err := a.open(ctx, dbc)
	if err != nil {
		return err
	}
	defer pools.Close()
	if a.Modules != nil && a.Modules.Hooks != nil {
		fs, err := openFiles(ctx, st.fc, st.home)
		if err != nil {
			return err
		}
		a.Modules.Hooks(module.Env{Pool: pools.Default, Files: fs}) // a job's writes: no events from the shell
	}
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
