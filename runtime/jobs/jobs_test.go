//go:build !bk_noredis

package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func redisURL() string {
	if u := os.Getenv("BK_TEST_REDIS_JOBS"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/4"
}

// recorder is a job that counts its runs and fails the first fails ones.
type recorder struct {
	mu    sync.Mutex
	runs  int
	fails int
	sleep time.Duration
	done  chan string
}

func (r *recorder) run(ctx context.Context, b []byte) error {
	r.mu.Lock()
	r.runs++
	n := r.runs
	r.mu.Unlock()
	if r.sleep > 0 {
		select {
		case <-time.After(r.sleep):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if n <= r.fails {
		return fmt.Errorf("failure %d", n)
	}
	if r.done != nil {
		r.done <- string(b)
	}
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.runs
}

// checkPayload accepts {"n": int} only.
func checkPayload(b []byte) error {
	var p struct {
		N *int `json:"n"`
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return err
	}
	if d.More() {
		return errors.New("data after the payload")
	}
	if p.N == nil {
		return errors.New("missing n")
	}
	return nil
}

// driver opens a service on each queue driver.
type driver struct {
	name string
	cfg  func(t *testing.T) Config
}

func drivers() []driver {
	base := Config{Workers: 4, RetryDelay: 20 * time.Millisecond, MaxRetryDelay: 50 * time.Millisecond, Poll: 100 * time.Millisecond, ShutdownTimeout: 2 * time.Second}
	return []driver{
		{"local", func(t *testing.T) Config { c := base; c.Queue = "local"; return c }},
		{"asynq", func(t *testing.T) Config { c := base; c.Queue = redisURL(); return c }},
	}
}

// start opens the service with specs (each on a queue of its own, so that
// tests sharing Redis do not take each other's jobs) and runs workers.
func start(t *testing.T, cfg Config, specs ...Spec) *Jobs {
	t.Helper()
	q := fmt.Sprintf("q%d", time.Now().UnixNano())
	for i := range specs {
		specs[i].Queue = q
	}
	j, err := Open(cfg, specs)
	if err != nil {
		t.Fatalf("open (Redis is required for asynq: scripts/services.sh): %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { j.Work(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; j.Close() })
	return j
}

func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestJobs(t *testing.T) {
	for _, dr := range drivers() {
		t.Run(dr.name, func(t *testing.T) {
			ctx := context.Background()
			t.Run("runs once", func(t *testing.T) {
				r := &recorder{done: make(chan string, 10)}
				j := start(t, dr.cfg(t), Spec{Name: "once", Retries: 3, Check: checkPayload, Run: r.run})
				if _, err := j.Enqueue(ctx, "once", []byte(`{"n":1}`)); err != nil {
					t.Fatal(err)
				}
				select {
				case p := <-r.done:
					if p != `{"n":1}` {
						t.Fatalf("payload %s", p)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("the job did not run")
				}
				time.Sleep(300 * time.Millisecond)
				if n := r.count(); n != 1 {
					t.Fatalf("ran %d times", n)
				}
			})
			t.Run("retried then failed", func(t *testing.T) {
				r := &recorder{fails: 100}
				j := start(t, dr.cfg(t), Spec{Name: "flaky", Retries: 2, Run: r.run})
				info, err := j.Enqueue(ctx, "flaky", []byte(`{"n":2}`))
				if err != nil {
					t.Fatal(err)
				}
				var failed []Info
				waitFor(t, "the job in the failed list", 15*time.Second, func() bool {
					list, err := j.Failed(ctx, 1000)
					if err != nil {
						t.Fatal(err)
					}
					failed = nil
					for _, f := range list {
						if f.ID == info.ID {
							failed = append(failed, f)
						}
					}
					return len(failed) == 1
				})
				if n := r.count(); n != 3 {
					t.Fatalf("ran %d times, want 1 + 2 retries", n)
				}
				f := failed[0]
				if f.Name != "flaky" || f.Retried != 2 || !strings.Contains(f.LastError, "failure 3") || f.Payload != `{"n":2}` {
					t.Fatalf("failed job: %+v", f)
				}
			})
			t.Run("succeeds after a retry", func(t *testing.T) {
				r := &recorder{fails: 1, done: make(chan string, 1)}
				j := start(t, dr.cfg(t), Spec{Name: "second", Retries: 2, Run: r.run})
				j.Enqueue(ctx, "second", nil)
				select {
				case <-r.done:
				case <-time.After(10 * time.Second):
					t.Fatal("not retried")
				}
				if n := r.count(); n != 2 {
					t.Fatalf("ran %d times", n)
				}
			})
			t.Run("permanent errors are not retried", func(t *testing.T) {
				var runs atomic.Int32
				j := start(t, dr.cfg(t), Spec{Name: "perm", Retries: 5, Run: func(context.Context, []byte) error {
					runs.Add(1)
					return Permanent(errors.New("no such row"))
				}})
				info, _ := j.Enqueue(ctx, "perm", nil)
				waitFor(t, "failed", 10*time.Second, func() bool {
					list, _ := j.Failed(ctx, 1000)
					for _, f := range list {
						if f.ID == info.ID {
							return true
						}
					}
					return false
				})
				if runs.Load() != 1 {
					t.Fatalf("ran %d times", runs.Load())
				}
			})
			t.Run("timeout cancels the run", func(t *testing.T) {
				r := &recorder{sleep: time.Minute}
				j := start(t, dr.cfg(t), Spec{Name: "slow", Retries: 0, Timeout: time.Second, Run: r.run})
				info, _ := j.Enqueue(ctx, "slow", nil)
				waitFor(t, "the timed out job in failed", 10*time.Second, func() bool {
					list, _ := j.Failed(ctx, 1000)
					for _, f := range list {
						if f.ID == info.ID {
							return strings.Contains(f.LastError, "deadline")
						}
					}
					return false
				})
			})
			t.Run("delay", func(t *testing.T) {
				r := &recorder{done: make(chan string, 1)}
				j := start(t, dr.cfg(t), Spec{Name: "later", Run: r.run})
				start := time.Now()
				j.Enqueue(ctx, "later", nil, Delay(time.Second))
				select {
				case <-r.done:
					if d := time.Since(start); d < time.Second {
						t.Fatalf("ran after %v", d)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("the delayed job did not run")
				}
			})
			t.Run("unique", func(t *testing.T) {
				r := &recorder{sleep: 300 * time.Millisecond}
				j := start(t, dr.cfg(t), Spec{Name: "uniq", Unique: time.Minute, Run: r.run})
				if _, err := j.Enqueue(ctx, "uniq", []byte(`{"n":1}`)); err != nil {
					t.Fatal(err)
				}
				if _, err := j.Enqueue(ctx, "uniq", []byte(`{"n":1}`)); !errors.Is(err, ErrDuplicate) {
					t.Fatalf("second identical job: %v", err)
				}
				if _, err := j.Enqueue(ctx, "uniq", []byte(`{"n":2}`)); err != nil {
					t.Fatalf("a different payload is not a duplicate: %v", err)
				}
			})
			t.Run("bad input", func(t *testing.T) {
				j := start(t, dr.cfg(t), Spec{Name: "typed", Check: checkPayload, Run: (&recorder{}).run})
				_, err := j.Enqueue(ctx, "typd", []byte(`{"n":1}`))
				if !errors.Is(err, ErrUnknownJob) || !strings.Contains(err.Error(), `did you mean "typed"`) {
					t.Fatalf("unknown job: %v", err)
				}
				var pe *PayloadError
				for _, bad := range []string{`{"n":"x"}`, `{"m":1}`, `{}`, `[`, `{"n":1}{}`} {
					if _, err := j.Enqueue(ctx, "typed", []byte(bad)); !errors.As(err, &pe) {
						t.Fatalf("payload %s: %v", bad, err)
					}
				}
			})
		})
	}
}

// TestShutdownLetsRunningJobsFinish: Work returns only after the running
// job ends, within ShutdownTimeout.
func TestShutdownLetsRunningJobsFinish(t *testing.T) {
	for _, dr := range drivers() {
		t.Run(dr.name, func(t *testing.T) {
			r := &recorder{sleep: 500 * time.Millisecond, done: make(chan string, 1)}
			cfg := dr.cfg(t)
			j, err := Open(cfg, []Spec{{Name: "drain", Queue: fmt.Sprintf("d%d", time.Now().UnixNano()), Run: r.run}})
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { j.Work(ctx); close(done) }()
			j.Enqueue(context.Background(), "drain", nil)
			waitFor(t, "the job to start", 10*time.Second, func() bool { return r.count() == 1 })
			cancel()
			<-done
			select {
			case <-r.done:
			default:
				t.Fatal("Work returned before the running job finished")
			}
		})
	}
}

func TestParseCrontab(t *testing.T) {
	j, _ := Open(Config{}, []Spec{{Name: "tally", Check: checkPayload}, {Name: "cleanup"}})
	src := `[
  {"cron": "*/5 * * * * *", "job": {"tally": {"n": 1}}},
  {"cron": "not a cron", "job": "cleanup"},
  {"cron": "0 3 * * *", "job": "cleanup", "queueName": "low"},
  {"cron": "* * * * * *", "job": "nosuch"},
  {"cron": "* * * * * *", "job": {"tally": {"n": "x"}}},
  {"cron": "* * * * * *", "job": {"job": {"cleanup": {}}}, "disabled": true},
  {"cron": "@hourly", "job": {"job": "cleanup"}},
  {"cron": "* * * * * *", "jobb": "cleanup"}
]`
	entries, problems := j.ParseCrontab("etc/crontab", []byte(src))
	if len(entries) != 3 {
		t.Fatalf("entries: %+v", entries)
	}
	if entries[1].Queue != "low" || entries[0].Job != "tally" || string(entries[0].Payload) != `{"n": 1}` {
		t.Fatalf("entries: %+v", entries)
	}
	var wheres []string
	for _, p := range problems {
		wheres = append(wheres, p.Where)
	}
	if got := strings.Join(wheres, " "); got != "etc/crontab:3 etc/crontab:5 etc/crontab:6 etc/crontab:9" {
		t.Fatalf("problems at %s: %v", got, problems)
	}
	// a syntax error keeps what came before it
	entries, problems = j.ParseCrontab("f", []byte("[\n{\"cron\":\"@daily\",\"job\":\"cleanup\"},\n{\"cron\": oops}\n]"))
	if len(entries) != 1 || len(problems) != 1 || problems[0].Where != "f:3" {
		t.Fatalf("syntax error: %v %v", entries, problems)
	}
	if _, problems = j.ParseCrontab("f", []byte(`{"cron":"x"}`)); len(problems) != 1 {
		t.Fatal("an object instead of an array was accepted")
	}
}

func FuzzParseCrontab(f *testing.F) {
	f.Add([]byte(`[{"cron":"* * * * * *","job":{"tally":{"n":1}}}]`))
	f.Add([]byte(`[{"cron":"@every 5s","job":"cleanup","queueName":"x","uniqueTtl":5}]`))
	j, _ := Open(Config{}, []Spec{{Name: "tally", Check: checkPayload}, {Name: "cleanup"}})
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, _ := j.ParseCrontab("f", b)
		for _, e := range entries {
			if e.sched == nil || j.Spec(e.Job) == nil {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}

// TestCronOnceAcrossSchedulers: two schedulers on one Redis, an entry
// firing every second: each second's job is enqueued once.
func TestCronOnceAcrossSchedulers(t *testing.T) {
	var runs atomic.Int32
	q := fmt.Sprintf("cron%d", time.Now().UnixNano())
	dir := t.TempDir()
	crontab := filepath.Join(dir, "crontab")
	os.WriteFile(crontab, []byte(`[{"cron":"* * * * * *","job":{"tick":{"n":1}},"queueName":"`+q+`"}]`), 0o644)
	cfg := drivers()[1].cfg(t)
	cfg.WorkerQueues = []string{q}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var services []*Jobs
	for range 2 {
		j, err := Open(cfg, []Spec{{Name: "tick", Queue: q, Check: checkPayload, Run: func(context.Context, []byte) error { runs.Add(1); return nil }}})
		if err != nil {
			t.Fatal(err)
		}
		services = append(services, j)
		wg.Add(2)
		go func() { defer wg.Done(); j.Work(ctx) }()
		go func() { defer wg.Done(); j.Schedule(ctx, []string{crontab}, 50*time.Millisecond) }()
	}
	time.Sleep(3500 * time.Millisecond)
	// crontab edits apply without a restart: no entry, no more runs
	os.WriteFile(crontab, []byte(`[]`), 0o644)
	time.Sleep(500 * time.Millisecond)
	time.Sleep(time.Second) // let the last fires run
	n := runs.Load()
	time.Sleep(1500 * time.Millisecond)
	if after := runs.Load(); after != n {
		t.Fatalf("the emptied crontab still fires: %d then %d runs", n, after)
	}
	cancel()
	wg.Wait()
	for _, j := range services {
		j.Close()
	}
	// about 3 to 4 seconds of fires: once each, not twice
	if n < 3 || n > 5 {
		t.Fatalf("%d runs in about 4 s of a once-a-second entry with two schedulers", n)
	}
}

// TestCrontabReload: a scheduler picks up an entry added to a crontab file.
func TestCrontabReload(t *testing.T) {
	for _, dr := range drivers() {
		t.Run(dr.name, func(t *testing.T) {
			dir := t.TempDir()
			crontab := filepath.Join(dir, "crontab.local")
			r := &recorder{done: make(chan string, 100)}
			j := start(t, dr.cfg(t), Spec{Name: "tick", Check: checkPayload, Run: r.run})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go j.Schedule(ctx, []string{filepath.Join(dir, "crontab"), crontab}, 50*time.Millisecond)
			time.Sleep(200 * time.Millisecond)
			if r.count() != 0 {
				t.Fatal("ran without an entry")
			}
			os.WriteFile(crontab, []byte(`[{"cron":"* * * * * *","job":{"tick":{"n":7}},"queueName":"`+j.Spec("tick").Queue+`"}]`), 0o644)
			select {
			case p := <-r.done:
				if p != `{"n":7}` {
					t.Fatalf("payload %s", p)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the new crontab entry did not fire")
			}
		})
	}
}
