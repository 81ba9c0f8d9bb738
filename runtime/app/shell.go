package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
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

  account-add    -login L [-secret S] [-password P] [-type T] [-name N]   add an account; a secret is generated when not given
  account-secret -login L [-secret S] [-password P]                       set a new secret (printed when generated) and/or password
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
	job := fs.String("job", "", "job name")
	jobArgs := fs.String("args", "{}", "job payload, JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "%s: %s: %v\n", a.Name, cmd, err)
		return 1
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
	if *password != "" {
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
		if err := accounts.Put(ctx, &auth.Account{Login: *login, Secret: *secret, Type: *typ, Name: *name, PasswordHash: hash}); err != nil {
			return fail(err)
		}
	case "account-secret":
		acc, err := accounts.Get(ctx, *login)
		if err != nil {
			return fail(err)
		}
		if *password == "" || !generated {
			acc.Secret = *secret // a secret given, or generated when no password is set either
		} else {
			generated = false
		}
		if hash != "" {
			acc.PasswordHash = hash
		}
		if err := accounts.Put(ctx, acc); err != nil {
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
