// Package jobs runs background jobs: typed jobs declared in the schema with
// bk.Job() (bkgen generates their payloads, Enqueue<Job> functions and the
// handler interface), a queue, workers that run them with retries and
// backoff, and cron schedules (from the schema and from etc/crontab).
//
// Two queues give the same API: asynq on Redis (-jobs-queue redis://…),
// which survives restarts and spreads jobs over every worker process, and
// an in-process queue (the development default), which runs the jobs in
// the process that enqueued them and loses pending jobs on exit.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bkgen/bkgen/runtime/config"
)

// Spec describes one job type to the runtime; bkgen generates them.
type Spec struct {
	Name    string
	Cron    string        // schedule from bk.Job().Cron, or ""
	Queue   string        // default queue
	Retries int           // retries after a failure
	Timeout time.Duration // bound of one run
	Unique  time.Duration // an identical job enqueued within this is refused
	// Fields describe the payload, for forms (the admin console).
	Fields []Field
	// Check validates a payload (JSON) against the job's fields.
	Check func(payload []byte) error
	// Run decodes the payload and calls the handler.
	Run func(ctx context.Context, payload []byte) error
}

// Field is one field of a job's payload.
type Field struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"` // the column kind's name: string, int, float, bool, time, bytes, json
	Required bool     `json:"required,omitempty"`
	Values   []string `json:"values,omitempty"` // an enum's
	Help     string   `json:"help,omitempty"`
}

// Defaults of a job without its own settings.
const (
	DefaultQueue   = "default"
	DefaultRetries = 3
	DefaultTimeout = 30 * time.Minute
)

// Options of one Enqueue; the job's Spec gives the defaults.
type Options struct {
	Queue   string
	At      time.Time     // run at (zero: now)
	Delay   time.Duration // run after
	Unique  time.Duration
	Retries int // -1: the spec's
	Timeout time.Duration
	ID      string // a job with an ID already queued is refused (ErrDuplicate)
}

// Option changes Options.
type Option func(*Options)

// Queue puts the job on a named queue.
func Queue(name string) Option { return func(o *Options) { o.Queue = name } }

// Delay runs the job after d.
func Delay(d time.Duration) Option { return func(o *Options) { o.Delay = d } }

// At runs the job at t.
func At(t time.Time) Option { return func(o *Options) { o.At = t } }

// Unique refuses the job while an identical one (same name and payload),
// enqueued less than ttl ago, has not finished.
func Unique(ttl time.Duration) Option { return func(o *Options) { o.Unique = ttl } }

// Retries sets how many times a failed run is retried.
func Retries(n int) Option { return func(o *Options) { o.Retries = n } }

// Timeout bounds one run.
func Timeout(d time.Duration) Option { return func(o *Options) { o.Timeout = d } }

// ID names the job; a second job with the same ID is refused while the
// first is kept.
func ID(id string) Option { return func(o *Options) { o.ID = id } }

// Info describes a queued, failed or enqueued job.
type Info struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Queue     string    `json:"queue"`
	State     string    `json:"state"` // pending, scheduled, retry, failed, …
	Payload   string    `json:"payload"`
	Retried   int       `json:"retried"`
	Retries   int       `json:"retries"`
	LastError string    `json:"last_error,omitempty"`
	FailedAt  time.Time `json:"failed_at,omitzero"`
	NextAt    time.Time `json:"next_at,omitzero"`
}

// Errors of Enqueue.
var (
	ErrUnknownJob = errors.New("unknown job")
	ErrDuplicate  = errors.New("an identical job is already queued")
	ErrNoQueue    = errors.New("jobs: no job queue in this process")
)

// PayloadError is a payload that does not match the job's fields.
type PayloadError struct {
	Job string
	Err error
}

func (e *PayloadError) Error() string { return fmt.Sprintf("job %s: bad payload: %v", e.Job, e.Err) }
func (e *PayloadError) Unwrap() error { return e.Err }

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err so that the job is not retried (a payload that does
// not decode, a row that no longer exists, …): it goes to failed at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

func isPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Config of the job service, with backendjs's parameter names where it has them.
type Config struct {
	Queue           string        // "" or "local": in process; redis://host:port/db: asynq
	Workers         int           // concurrent jobs of a worker
	RetryDelay      time.Duration // first retry delay, doubled each time
	MaxRetryDelay   time.Duration
	Cron            bool          // run the scheduler where workers run
	Poll            time.Duration // how often delayed and retried jobs are moved to their queue (asynq)
	ShutdownTimeout time.Duration // how long running jobs may finish at shutdown
	WorkerQueues    []string      // queues a worker takes jobs from, besides the jobs' own
	Home            string        // etc/crontab is read from HOME/etc
}

// Params declares the job parameters on s.
func (c *Config) Params(s *config.Set) {
	s.String(&c.Queue, "jobs-queue", "local", "job queue: local (in this process; pending jobs are lost on exit) or redis://host:port/db (asynq: shared by every worker, survives restarts)")
	s.Int(&c.Workers, "jobs-workers", 0, "jobs a worker runs at once (0: 2 × CPUs)")
	s.Duration(&c.RetryDelay, "jobs-retry-delay", time.Second, "delay before the first retry of a failed job; doubled at each retry, with jitter")
	s.Duration(&c.MaxRetryDelay, "jobs-max-retry-delay", 10*time.Minute, "longest delay between retries")
	s.Bool(&c.Cron, "jobs-cron", false, "run the cron scheduler (schema Cron and etc/crontab) in a worker too; master, and web with -jobs-queue local, always run it; with Redis each fire is enqueued once whatever the number of schedulers")
	s.Duration(&c.Poll, "jobs-poll", time.Second, "asynq: how often delayed and retried jobs become ready")
	s.Duration(&c.ShutdownTimeout, "jobs-shutdown-timeout", 30*time.Second, "at shutdown, how long running jobs may finish; with Redis unfinished ones return to the queue")
	s.List(&c.WorkerQueues, "jobs-worker-queue", "queues workers take jobs from besides those of the schema's jobs and crontab (default, …)")
}

// Jobs is the job service of a process.
type Jobs struct {
	cfg   Config
	specs map[string]*Spec
	q     queue
}

// queue is a queue driver: local or asynq.
type queue interface {
	enqueue(ctx context.Context, s *Spec, payload []byte, o Options) (*Info, error)
	work(ctx context.Context, specs map[string]*Spec, queues []string) error
	// list returns up to limit jobs in a state: pending (waiting, delayed
	// or between retries), running, failed (their retries used up) or
	// succeeded (the recent ones, where the queue keeps them).
	list(ctx context.Context, state string, limit int) ([]Info, error)
	close() error
}

// cronLocker is a queue shared by several schedulers: fireLock takes the
// lock of one firing (key) for one of them.
type cronLocker interface {
	fireLock(ctx context.Context, key string) (bool, error)
}

// Open returns the job service for specs.
func Open(cfg Config, specs []Spec) (*Jobs, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 2 * numCPU()
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = time.Second
	}
	if cfg.MaxRetryDelay < cfg.RetryDelay {
		cfg.MaxRetryDelay = cfg.RetryDelay
	}
	j := &Jobs{cfg: cfg, specs: map[string]*Spec{}}
	for i := range specs {
		s := specs[i]
		if s.Queue == "" {
			s.Queue = DefaultQueue
		}
		if s.Timeout <= 0 {
			s.Timeout = DefaultTimeout
		}
		j.specs[s.Name] = &s
	}
	switch {
	case cfg.Queue == "" || cfg.Queue == "local":
		j.q = newLocal(cfg)
	case strings.HasPrefix(cfg.Queue, "redis://") || strings.HasPrefix(cfg.Queue, "rediss://"):
		q, err := newAsynq(cfg)
		if err != nil {
			return nil, err
		}
		j.q = q // asynq_off.go: refused in a binary built with -tags bk_noredis
	default:
		return nil, fmt.Errorf("jobs: -jobs-queue %q: want local or redis://host:port/db", cfg.Queue)
	}
	return j, nil
}

// Local reports whether jobs run in this process's own queue.
func (j *Jobs) Local() bool {
	_, ok := j.q.(*local)
	return ok
}

// Names lists the jobs.
func (j *Jobs) Names() []string {
	names := make([]string, 0, len(j.specs))
	for n := range j.specs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Spec returns the job named name, or nil.
func (j *Jobs) Spec(name string) *Spec { return j.specs[name] }

// Enqueue checks the payload against the job's fields and queues it.
func (j *Jobs) Enqueue(ctx context.Context, name string, payload []byte, opts ...Option) (*Info, error) {
	s := j.specs[name]
	if s == nil {
		return nil, j.unknown(name)
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if s.Check != nil {
		if err := s.Check(payload); err != nil {
			return nil, &PayloadError{Job: name, Err: err}
		}
	}
	o := Options{Queue: s.Queue, Unique: s.Unique, Retries: s.Retries, Timeout: s.Timeout}
	for _, f := range opts {
		f(&o)
	}
	if o.Queue == "" {
		o.Queue = DefaultQueue
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Delay > 0 && o.At.IsZero() {
		o.At = time.Now().Add(o.Delay)
	}
	info, err := j.q.enqueue(ctx, s, payload, o)
	if err == nil {
		enqueued.Add(1)
	}
	return info, err
}

func (j *Jobs) unknown(name string) error {
	hint := ""
	if best, ok := config.Nearest(name, j.Names()); ok {
		hint = fmt.Sprintf("; did you mean %q?", best)
	} else if len(j.specs) > 0 {
		hint = "; the jobs are " + strings.Join(j.Names(), ", ")
	}
	return fmt.Errorf("%w %q%s", ErrUnknownJob, name, hint)
}

// Work runs jobs with cfg.Workers at once until ctx ends; then it stops
// taking jobs and waits up to ShutdownTimeout for the running ones.
func (j *Jobs) Work(ctx context.Context) error {
	queues := map[string]bool{DefaultQueue: true}
	for _, s := range j.specs {
		queues[s.Queue] = true
	}
	for _, q := range j.cfg.WorkerQueues {
		if q != "" {
			queues[q] = true
		}
	}
	names := make([]string, 0, len(queues))
	for q := range queues {
		names = append(names, q)
	}
	sort.Strings(names)
	return j.q.work(ctx, j.specs, names)
}

// RunNow checks the payload and runs the job in the calling goroutine,
// once, without queue or retries (the shell's job-run).
func (j *Jobs) RunNow(ctx context.Context, name string, payload []byte) error {
	s := j.specs[name]
	if s == nil {
		return j.unknown(name)
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if s.Check != nil {
		if err := s.Check(payload); err != nil {
			return &PayloadError{Job: name, Err: err}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	return safeRun(ctx, s, payload)
}

// Failed lists up to limit jobs that failed their last retry.
func (j *Jobs) Failed(ctx context.Context, limit int) ([]Info, error) {
	return j.List(ctx, "failed", limit)
}

// States are the states List takes.
var States = []string{"pending", "running", "failed", "succeeded"}

// List lists up to limit (1..1000, else 100) jobs in state (one of
// States), newest first where the queue knows the order.
func (j *Jobs) List(ctx context.Context, state string, limit int) ([]Info, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	if !slices.Contains(States, state) {
		return nil, fmt.Errorf("jobs: no state %q (want %s)", state, strings.Join(States, ", "))
	}
	return j.q.list(ctx, state, limit)
}

// Close releases the queue's connections.
func (j *Jobs) Close() error { return j.q.close() }

// backoff is the delay before retry n (1-based): RetryDelay doubled each
// time, with ±25% jitter so that failed jobs do not retry in lockstep.
func (c *Config) backoff(n int) time.Duration {
	d := c.RetryDelay
	for i := 1; i < n && d < c.MaxRetryDelay; i++ {
		d *= 2
	}
	d = min(d, c.MaxRetryDelay)
	return d*3/4 + time.Duration(rand.Int64N(int64(d)/2+1))
}

// Counters of this process, for metrics.
var enqueued, succeeded, failedRuns, retried atomic.Int64

// Stats are the job counters of this process.
type Stats struct {
	Enqueued  int64 `json:"enqueued"`
	Succeeded int64 `json:"succeeded"`
	Failed    int64 `json:"failed"` // runs that returned an error
	Retried   int64 `json:"retried"`
}

// Counts returns the job counters of this process.
func Counts() Stats {
	return Stats{Enqueued: enqueued.Load(), Succeeded: succeeded.Load(), Failed: failedRuns.Load(), Retried: retried.Load()}
}

// def is the process's service, for generated Enqueue<Job> functions.
var def atomic.Pointer[Jobs]

// SetDefault makes j the service of the generated Enqueue<Job> functions.
func SetDefault(j *Jobs) { def.Store(j) }

// Enqueue queues a job on the process's service (SetDefault).
func Enqueue(ctx context.Context, name string, payload []byte, opts ...Option) (*Info, error) {
	j := def.Load()
	if j == nil {
		return nil, ErrNoQueue
	}
	return j.Enqueue(ctx, name, payload, opts...)
}
