// Package app runs a bkgen application: the one binary with its roles
// (`APP web`, …), its parameters (runtime/config), its database pool and its
// HTTP server with the generated API and the built-in routes.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	gqlgen "github.com/99designs/gqlgen/graphql"

	"github.com/bkgen/bkgen/runtime/admin"
	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/cache"
	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/db"
	_ "github.com/bkgen/bkgen/runtime/db/drivers" // -db-pool dynamodb
	"github.com/bkgen/bkgen/runtime/files"
	"github.com/bkgen/bkgen/runtime/gql"
	"github.com/bkgen/bkgen/runtime/hook"
	"github.com/bkgen/bkgen/runtime/jobs"
	"github.com/bkgen/bkgen/runtime/metrics"
	"github.com/bkgen/bkgen/runtime/module"
	"github.com/bkgen/bkgen/runtime/pubsub"
	"github.com/bkgen/bkgen/runtime/web"
)

// App is what the generated code gives the runtime.
type App struct {
	Name         string
	Tables       []db.TableInfo
	CreateTables func(ctx context.Context, p *db.Pool) error
	API          func(p *db.Pool, bus pubsub.Bus) (http.Handler, error) // the generated REST server
	Accounts     func(p *db.Pool) auth.Accounts                         // bk_auth; nil when the schema has none
	// GraphQL is the generated executable schema on a pool (env: the
	// pool, the bus of subscriptions, what the modules' fields need); nil
	// when none.
	GraphQL func(env module.Env) gqlgen.ExecutableSchema
	// Routes registers generated routes outside the OpenAPI server
	// (/account/*); nil when there are none.
	Routes func(p *db.Pool, mux *http.ServeMux, accounts auth.Accounts)
	// Operations are the generated REST routes by path, with the
	// parameters each takes: the one table the parameter check and the
	// route metrics read.
	Operations map[string]Operation
	Spec       []byte // openapi.yaml, gzip-compressed
	Doc        []byte // the API documentation page, gzip-compressed
	// Jobs are the background jobs on a pool (generated/jobs.Specs); nil
	// when none.
	Jobs func(p *db.Pool) []jobs.Spec
	// Custom registers the application's own routes (cmd/NAME/hooks.go),
	// served behind the same middleware as the generated ones; nil: none.
	Custom func(p *db.Pool, mux *http.ServeMux)
	// RowHooks registers the application's row hooks on a pool
	// (store.HooksOn(p)) before any store on it is made, in every role:
	// web, worker, shell. nil: none.
	RowHooks func(p *db.Pool)
	// RequestHooks registers the application's request hooks (access
	// checks, before and after the handlers, by path) for the web role.
	// nil: none.
	RequestHooks func(h *hook.Hooks, p *db.Pool)
	// GraphQLPaths are the REST paths of the GraphQL top-level fields
	// (generated graphql.Paths): the path rules and request hooks of a
	// path apply to its field too.
	GraphQLPaths map[string]string
	// Params are the application's own parameters (config.NewInt, …): in
	// -help beside the runtime's, from the same flags, environment and
	// files; the live ones follow the config files while it runs.
	Params []config.Var
	// Web are the browser client's files embedded in the binary (go:embed),
	// served after those of -api-web-dir; nil: none.
	Web fs.FS
	// Modules are the backendjs modules the schema opts into (generated:
	// counters, connections, messages, locations, account events); nil:
	// none.
	Modules *Modules
}

// Modules is what the generated modules give the runtime.
type Modules struct {
	Params []config.Var // theirs, beside the application's
	// Hooks registers their row hooks on a pool (what follows from an
	// account's creation, change and deletion), in every role, once the
	// bus their events go on and the file storage are open.
	Hooks func(env module.Env)
	// Routes registers their routes (web role).
	Routes func(env module.Env, mux *http.ServeMux)
}

// params are the application's parameters and its modules'.
func (a *App) params() []config.Var {
	if a.Modules == nil {
		return a.Params
	}
	return append(append([]config.Var(nil), a.Params...), a.Modules.Params...)
}

// roles are the commands of the binary.
var roles = map[string]string{
	"web":     "serve the REST and GraphQL APIs (the default); with -jobs-queue local it runs the jobs too",
	"worker":  "run jobs from -jobs-queue (cron too with -jobs-cron)",
	"master":  "run the cron schedules and -jobs-workers job workers",
	"monitor": "run and supervise the -server-roles (web, master): restart crashes, SIGHUP restarts web gracefully",
	"start":   "the production entry: monitor, refusing a second instance on the same home",
	"stop":    "stop the instance running on this home (SIGTERM to its monitor or web process)",
	"shell":   "admin commands: account-add, account-secret, account-list (shell -h)",
}

// Operation is what one generated route takes.
type Operation struct {
	Path string // the route: /TABLE/OP
	// Params are the query (and form body) parameters: a request with any
	// other (a misspelt condition would select every row) is a 400 naming
	// it.
	Params []string
	// JSON are the columns a JSON body takes beside Params (JSON columns:
	// form bodies and queries are flat).
	JSON []string
}

// OperationsByPath indexes ops by their Path (App.Operations).
func OperationsByPath(ops []Operation) map[string]Operation {
	m := make(map[string]Operation, len(ops))
	for _, op := range ops {
		m[op.Path] = op
	}
	return m
}

// Main runs the binary with args (without the program name) and returns the
// exit code.
func (a *App) Main(args []string) int {
	return a.Run(context.Background(), args, os.Stdout, os.Stderr, nil)
}

// Run is Main with a context, output streams and a callback that gets the
// listening address (tests, embedding).
func (a *App) Run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) int {
	lv := new(slog.LevelVar)
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	slog.SetDefault(logger)
	appParams := a.params()
	params, st := declare(appParams)
	home := homeOf(args)
	rest, problems, err := params.Load(home, os.Environ(), args)
	flags := args[:len(args)-len(rest)]
	if err == nil && len(rest) > 0 && rest[0] != "shell" {
		// parameters after the role count as those before it (bkapp web
		// -api-port 9000, as bkjs web -port 80); anything else left over
		// is an error, never silently dropped
		var more []string
		if more, err = params.ParseFlags(rest[1:]); err == nil && len(more) > 0 {
			err = fmt.Errorf("unexpected %q after the role %s (parameters are -name value; see -help)", more[0], rest[0])
		}
		flags = append(append([]string{}, flags...), rest[1:len(rest)-len(more)]...)
		rest = rest[:1]
	} else if err == nil && len(rest) > 1 && !strings.HasPrefix(rest[1], "-") && rest[1] != "help" {
		// shell CMD: its own flags and the application's parameters, mixed
		var own []string
		if own, err = splitShellArgs(params, rest[1], rest[2:]); err == nil {
			rest = append([]string{rest[0], rest[1]}, own...)
		}
	}
	if errors.Is(err, config.ErrHelp) {
		fmt.Fprintf(stdout, "Usage: %s [-param value ...] [ROLE]\n\nRoles:\n", a.Name)
		names := make([]string, 0, len(roles))
		for r := range roles {
			names = append(names, r)
		}
		sort.Strings(names)
		for _, r := range names {
			fmt.Fprintf(stdout, "  %-8s %s\n", r, roles[r])
		}
		fmt.Fprintf(stdout, "\nParameters (flags > env > HOME/etc/config.local > HOME/etc/config > defaults):\n")
		params.Help(stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", a.Name, err)
		return 2
	}
	l, err := level(st.log)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", a.Name, err)
		return 2
	}
	lv.Set(l)
	st.commitVars(false)
	for _, p := range problems {
		logger.Warn("config line skipped", "where", p.Where, "err", p.Err)
	}
	role := "web"
	if len(rest) > 0 {
		role = rest[0]
	}
	if _, ok := roles[role]; !ok {
		fmt.Fprintf(stderr, "%s: unknown role %q%s\n", a.Name, role, nearest(role))
		return 2
	}
	if st.home != "" {
		home = st.home
	}
	st.home = home
	st.dbc.Home = home
	st.jc.Home = home
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch role {
	case "shell":
		return a.shell(ctx, st, rest[1:], stdout, stderr)
	case "stop":
		return a.stopInstance(home, stderr)
	case "monitor", "start":
		return a.monitor(ctx, st, flags, stderr)
	}
	srv := &services{dbc: st.dbc, pc: st.pc, cc: st.cc, jc: st.jc, fc: st.fc, home: home, maxUpload: min(st.fc.MaxSize, st.wc.MaxBody), role: role}
	lc := &live{level: lv, params: params}
	if os.Getenv(childEnv) == "" && role == "web" {
		// a web process on its own is an instance: one per home
		unlock, err := lockHome(a.Name, home)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", a.Name, err)
			return 1
		}
		defer unlock()
	}
	go watchConfig(ctx, home, flags, params, appParams, lc, time.Second)
	switch role {
	case "worker", "master":
		err = a.worker(ctx, srv)
	default:
		err = a.web(ctx, logger, srv, st, lc, ready)
	}
	if err != nil {
		logger.Error("exit", "err", err)
		return 1
	}
	return 0
}

// homeOf finds -home before the other parameters are read, since the
// config files live in it.
func homeOf(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue // a flag's value, or the role
		}
		name := strings.TrimLeft(a, "-")
		if v, ok := strings.CutPrefix(name, "home="); ok {
			return v
		}
		if name == "home" && i+1 < len(args) {
			return args[i+1]
		}
	}
	if h := os.Getenv("BKJS_HOME"); h != "" {
		return h
	}
	return "."
}

func nearest(role string) string {
	names := make([]string, 0, len(roles))
	for r := range roles {
		names = append(names, r)
	}
	if best, ok := config.Nearest(role, names); ok {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return " (see -help)"
}

// open opens the default pool and, for SQLite (the embedded default, as
// in backendjs) or with -db-create-tables, creates the tables.
func (a *App) open(ctx context.Context, dbc db.Config) (*db.Pools, error) {
	pools, err := db.Open(ctx, dbc)
	if err != nil {
		return nil, err
	}
	if err := pools.Check(a.Tables); err != nil {
		pools.Close()
		return nil, err
	}
	if a.RowHooks != nil {
		a.RowHooks(pools.Default)
	}
	if dbc.CreateTables || pools.Default.Dialect() == "sqlite" || routedToSQLite(pools, a.Tables) {
		if err := a.CreateTables(ctx, pools.Default); err != nil {
			pools.Close()
			return nil, fmt.Errorf("creating tables: %w", err)
		}
	}
	return pools, nil
}

// routedToSQLite reports a table kept in a named SQLite pool: SQLite's
// tables are made at start, as the default pool's are.
func routedToSQLite(pools *db.Pools, tables []db.TableInfo) bool {
	for _, t := range tables {
		if p := pools.Get(pools.PoolOf(t.Name, t.Pool)); p != nil && p != pools.Default && p.Dialect() == "sqlite" {
			return true
		}
	}
	return false
}

func (a *App) accounts(p *db.Pool) auth.Accounts {
	if a.Accounts == nil {
		return noAccounts{}
	}
	return a.Accounts(p)
}

// accountsTopic carries the logins whose bk_auth row changed, so that every
// process sharing the bus drops its cached copy at once instead of within
// -api-account-cache-ttl.
const accountsTopic = "bk_auth.changed"

// sharedAccounts is the account store, announcing its changes on bus.
func (a *App) sharedAccounts(p *db.Pool, bus pubsub.Bus) auth.Accounts {
	return auth.Announced{Accounts: a.accounts(p), Announce: func(ctx context.Context, login string) {
		if err := bus.Publish(ctx, accountsTopic, []byte(login)); err != nil {
			slog.WarnContext(ctx, "account change not announced; other processes see it within -api-account-cache-ttl", "login", login, "err", err)
		}
	}}
}

// forgetAnnounced makes a cache drop the accounts announced on bus, until ctx ends.
func forgetAnnounced(ctx context.Context, bus pubsub.Bus, accounts auth.Accounts) {
	c, ok := accounts.(*auth.CachedAccounts)
	if !ok {
		return // no cache
	}
	msgs, cancel := bus.Subscribe(ctx, accountsTopic)
	go func() {
		defer cancel()
		for m := range msgs {
			c.Forget(string(m))
		}
	}()
}

// services are what every serving role opens: the database pool, the
// bus, the cache in front of the pool, and the job service.
type services struct {
	role string
	dbc  db.Config
	pc   pubsub.Config
	cc   cache.Config
	jc   jobs.Config
	fc   files.Config
	home string
	// maxUpload bounds one upload: -files-max-size and -api-max-body
	maxUpload int64
	pool      *db.Pool
	bus       pubsub.Bus
	files     files.Store
	rows      cache.Cache
	jobs      *jobs.Jobs
	metrics   *metrics.Registry
	history   *metrics.History // the admin console's charts
	stop      []func()
}

func (s *services) open(ctx context.Context, a *App) error {
	pools, err := a.open(ctx, s.dbc)
	if err != nil {
		return err
	}
	s.stop = append(s.stop, pools.Close)
	s.pool = pools.Default
	s.metrics = metrics.New()
	s.stop = append(s.stop, s.metrics.Close)
	pools.UseMetrics(s.metrics)
	if s.bus, err = pubsub.Open(s.pc); err != nil {
		return fmt.Errorf("pubsub: %w", err)
	}
	s.stop = append(s.stop, func() { s.bus.Close() })
	if s.rows, err = openCache(ctx, s.cc, s.bus); err != nil {
		return err
	}
	s.stop = append(s.stop, func() { s.rows.Close() })
	pools.UseCache(s.rows) // before any store is made
	if s.files, err = openFiles(ctx, s.fc, s.home); err != nil {
		return err
	}
	if a.Modules != nil && a.Modules.Hooks != nil {
		a.Modules.Hooks(s.env())
	}
	var specs []jobs.Spec
	if a.Jobs != nil {
		specs = a.Jobs(s.pool)
	}
	if s.jobs, err = jobs.Open(s.jc, specs); err != nil {
		return err
	}
	s.stop = append(s.stop, func() { s.jobs.Close() })
	jobs.SetDefault(s.jobs)
	return nil
}

// env is what the modules work with.
func (s *services) env() module.Env {
	return module.Env{Pool: s.pool, Bus: s.bus, Files: s.files, MaxUpload: s.maxUpload}
}

func (s *services) close() {
	for i := len(s.stop) - 1; i >= 0; i-- {
		s.stop[i]()
	}
}

// runJobs runs the job workers and, with -jobs-cron, the scheduler until
// ctx ends; the returned function waits for them to finish.
func (s *services) runJobs(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.jobs.Work(ctx); err != nil {
			slog.Error("jobs", "err", err)
		}
	}()
	// cron runs in the master, in a web process with its own queue (the
	// dev default) and wherever -jobs-cron asks for it
	if s.jc.Cron || s.role == "master" || s.jobs.Local() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.jobs.Schedule(ctx, jobs.CrontabFiles(s.jc.Home), time.Second)
		}()
	}
	return wg.Wait
}

// worker runs jobs (the worker and master roles) until ctx ends, then
// lets the running ones finish (-jobs-shutdown-timeout).
func (a *App) worker(ctx context.Context, s *services) error {
	if err := s.open(ctx, a); err != nil {
		return err
	}
	defer s.close()
	if s.jobs.Local() {
		slog.Warn("worker with -jobs-queue local runs only the jobs it schedules itself (cron); use -jobs-queue redis://… to take jobs from other processes")
	}
	slog.Info(s.role, "jobs", s.jobs.Names(), "queue", s.jc.Queue, "cron", s.jc.Cron || s.role == "master" || s.jobs.Local(), "pid", os.Getpid())
	s.runJobs(ctx)()
	return nil
}

func (a *App) web(ctx context.Context, log *slog.Logger, s *services, st *settings, lc *live, ready func(string)) error {
	if err := s.open(ctx, a); err != nil {
		return err
	}
	defer s.close()
	pool, bus, rows := s.pool, s.bus, s.rows
	if s.jobs.Local() {
		// the dev default: nobody else can run this process's jobs
		jobsCtx, cancel := context.WithCancel(ctx)
		defer s.runJobs(jobsCtx)()
		defer cancel()
	}
	accounts := auth.NewCachedAccounts(a.sharedAccounts(pool, bus), st.ac.AccountTTL, 10000)
	forgetAnnounced(ctx, bus, accounts)
	checker, err := auth.NewChecker(st.ac, accounts, st.wc.MaxBody)
	if err != nil {
		return err
	}
	api, err := a.API(pool, bus)
	if err != nil {
		return err
	}
	hooks := &hook.Hooks{}
	if a.RequestHooks != nil {
		a.RequestHooks(hooks, pool)
	}
	if hooks.Checks() {
		checker.SetAccess(func(r *http.Request, acc *auth.Account, refused error) (*auth.Account, error) {
			return hooks.CheckAccess(r, r.URL.Path, acc, refused)
		})
	}
	guard := web.NewGuard(st.limits, st.maxLatency, s.metrics)
	defer guard.Close()
	lc.set(checker, guard, rows)

	cors, err := web.NewCORS(st.wc.CORSOrigins)
	if err != nil {
		return err
	}
	checker.TrustOrigins(cors.Trusted)
	static := a.webFiles(st)
	strict := strictParams(a.Operations, api)
	root := strict
	if !static.Empty() {
		root = a.filesOrAPI(static, strict)
	}

	mux := http.NewServeMux()
	mux.Handle("/", root)
	a.builtins(mux)
	cacheRoutes(mux, rows)
	jobRoutes(mux, s.jobs, s.home)
	s.history = s.metrics.StartHistory(st.adm.SampleInterval, 720, func() metrics.Totals {
		c, j := s.rows.Stats(), jobs.Counts()
		return metrics.Totals{CacheHits: c.Hits, CacheMisses: c.Misses, JobsOK: j.Succeeded, JobsFailed: j.Failed}
	})
	a.systemRoutes(mux, s, guard, lc)
	if !st.adm.Off {
		mux.Handle("/admin", admin.Handler())
		mux.Handle("/admin/", admin.Handler())
	} else {
		mux.Handle("/admin/doc-try.js", admin.Handler()) // /doc's "try it" stays
	}
	checker.Routes(mux, web.Error)
	if a.Routes != nil {
		a.Routes(pool, mux, accounts) // changes through /account/* update the cache at once
	}
	fileRoutes(mux, s.files, s.maxUpload)
	if a.Modules != nil && a.Modules.Routes != nil {
		a.Modules.Routes(s.env(), mux)
	}
	if a.Custom != nil {
		a.Custom(pool, mux)
	}
	// guardPath runs the path rules, access checks and before hooks of path
	// for what is not a request of its own: a GraphQL field, a subscription
	guardPath := func(ctx context.Context, r *http.Request, field, path string, next func(context.Context) (any, error)) (any, error) {
		return hooks.Field(ctx, r, field, path, checker.Authorize(auth.FromContext(ctx), path), next)
	}
	if a.GraphQL != nil {
		gc := st.gc
		gc.Paths = a.GraphQLPaths
		gc.Guard = guardPath
		mux.Handle("/graphql", gql.Handler(a.GraphQL(s.env()), gc))
		mux.HandleFunc("GET /graphql/playground", gql.Playground)
	}
	// REST over WebSocket: each frame goes through the whole chain, h
	var h http.Handler
	mux.Handle(web.WSPath, web.WebSocket(func() http.Handler { return h }))
	w, watches := api.(watcher)
	if watches || a.Modules != nil {
		mux.Handle(web.WSSubscribePath, web.Subscribe(func(r *http.Request, table string) (<-chan []byte, func(), error) {
			if table == "account" && a.Modules != nil {
				// the caller's account events (docs/modules.md), under the
				// rules of /account/subscribe
				var events <-chan []byte
				var stop func()
				_, err := guardPath(r.Context(), r, "ws.subscribe", "/account/subscribe", func(ctx context.Context) (any, error) {
					v := auth.ViewerOf(ctx)
					if v.ID == "" {
						return nil, &auth.Failure{Status: http.StatusExpectationFailed, Code: "NOLOGIN", Message: "No login provided"}
					}
					events, stop = bus.Subscribe(ctx, module.Topic(v.ID))
					return nil, nil
				})
				return events, stop, err
			}
			if !watches {
				return nil, nil, db.Invalid("ws", "table", "no table %q to subscribe to", table)
			}
			// the rules of the table's select hold for its pushes, as for
			// its GraphQL subscription
			path := "/" + table + "/select"
			var events <-chan []byte
			var stop func()
			_, err := guardPath(r.Context(), r, "ws.subscribe", path, func(ctx context.Context) (any, error) {
				var err error
				events, stop, err = w.Watch(ctx, table)
				return nil, err
			})
			return events, stop, err
		}))
	}
	access, closeAccess, err := accessLog(st)
	if err != nil {
		return err
	}
	defer closeAccess()
	login := func(r *http.Request) string {
		if acc := auth.FromContext(r.Context()); acc != nil {
			return acc.Login
		}
		return ""
	}
	// a route is one the binary serves: a generated operation, or a
	// pattern of the mux other than its catch-all "/" (the generated API)
	known := func(r *http.Request) bool {
		if _, ok := a.Operations[r.URL.Path]; ok {
			return true
		}
		_, pattern := mux.Handler(r)
		return pattern != "" && pattern != "/"
	}
	// the public files before the signature check; a route is never one
	public := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !static.ServePublic(w, r, known) {
				next.ServeHTTP(w, r)
			}
		})
	}
	if st.pprof != "" {
		if err := servePprof(ctx, log, st.pprof); err != nil {
			return err
		}
	}
	h = web.Chain(operationsFirst(mux, strict, a.Operations), web.Recover, web.Observe(s.metrics, known, access), cors.Middleware, guard.Middleware, public,
		web.LimitBody(st.wc.MaxBody, map[string]int64{"/graphql": min(st.gc.MaxBody, st.wc.MaxBody)}), checker.Middleware(web.Error), guard.LoginLimit(login), hooks.Middleware)
	return web.Serve(ctx, st.wc, h, func(addr string) {
		log.Info("listening", "addr", addr, "pool", pool.Dialect(), "home", absHome(s.dbc.Home), "pid", os.Getpid())
		if ready != nil {
			ready(addr)
		}
	})
}

// watcher is the generated REST handler's pushes (generated/rest.Handler.Watch).
type watcher interface {
	Watch(ctx context.Context, table string) (<-chan []byte, func(), error)
}

// webFiles are the browser client's files: -api-web-dir, then a.Web.
func (a *App) webFiles(st *settings) *web.Static {
	dir := st.wc.WebDir
	if dir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(st.home, dir)
	}
	var files fs.FS
	if dir != "" {
		files = web.DirFS(dir)
	}
	return web.NewStatic(st.wc.SPA, files, a.Web)
}

// filesOrAPI serves the signed requests the API does not route from the
// files (the public ones were served before the signature check).
func (a *App) filesOrAPI(static *web.Static, api http.Handler) http.Handler {
	files := static.Then(api)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := a.Operations[r.URL.Path]; ok {
			api.ServeHTTP(w, r) // an API route is never a file
			return
		}
		files.ServeHTTP(w, r)
	})
}

// accessLog opens -log-access: one line per request.
func accessLog(st *settings) (*slog.Logger, func(), error) {
	switch st.accessLog {
	case "":
		return nil, func() {}, nil
	case "stderr", "-":
		return slog.New(slog.NewTextHandler(os.Stderr, nil)).With("log", "access"), func() {}, nil
	}
	path := st.accessLog
	if !filepath.IsAbs(path) {
		path = filepath.Join(st.home, "log", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("-log-access: %w", err)
	}
	return slog.New(slog.NewJSONHandler(f, nil)), func() { f.Close() }, nil
}

func absHome(h string) string {
	if a, err := filepath.Abs(h); err == nil {
		return a
	}
	return h
}

// builtins registers the routes every application has beside its tables.
func (a *App) builtins(mux *http.ServeMux) {
	only := func(method string, h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
				web.MethodNotAllowed(w, r, method)
				return
			}
			h(w, r)
		}
	}
	byName := map[string]db.TableInfo{}
	for _, t := range a.Tables {
		byName[t.Name] = t
	}
	mux.HandleFunc("/data/columns", only(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		web.JSON(w, byName)
	}))
	// table serves f's view of the table named in the path, or 404.
	table := func(f func(db.TableInfo) any) http.HandlerFunc {
		return only(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
			t, ok := byName[r.PathValue("table")]
			if !ok {
				web.Error(w, http.StatusNotFound, "NotFound", "no table "+r.PathValue("table"))
				return
			}
			web.JSON(w, f(t))
		})
	}
	mux.HandleFunc("/data/columns/{table}", table(func(t db.TableInfo) any { return t }))
	mux.HandleFunc("/data/keys/{table}", table(func(t db.TableInfo) any { return t.Keys }))
	mux.HandleFunc("/openapi.yaml", only(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		web.Gzipped(w, r, a.Spec)
	}))
	mux.HandleFunc("/doc", only(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'none'")
		web.Gzipped(w, r, a.Doc)
	}))
}

// closest suggests the known name nearest to name, if one is close.
func closest(name string, names []string) string {
	if best, ok := config.Nearest(name, names); ok {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}
