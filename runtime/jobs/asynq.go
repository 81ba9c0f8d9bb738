//go:build !bk_noredis

package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// asynqQueue keeps jobs in Redis with asynq: a job survives restarts, is
// taken by one worker of any process, and comes back to the queue when its
// worker dies (once its lease expires, about a minute later).
type asynqQueue struct {
	cfg    Config
	opt    asynq.RedisConnOpt
	client *asynq.Client
	insp   *asynq.Inspector
	rdb    *redis.Client // cron locks
}

func newAsynq(cfg Config) (*asynqQueue, error) {
	opt, err := asynq.ParseRedisURI(cfg.Queue)
	if err != nil {
		return nil, fmt.Errorf("jobs: -jobs-queue: %w", err)
	}
	ropt, err := redis.ParseURL(cfg.Queue)
	if err != nil {
		return nil, fmt.Errorf("jobs: -jobs-queue: %w", err)
	}
	ropt.DialTimeout = 2 * time.Second
	rdb := redis.NewClient(ropt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		// reads and writes do not need the queue: start, and let each
		// enqueue say that Redis is away until it is back
		slog.Warn("jobs: Redis does not answer; enqueues fail until it does", "url", cfg.Queue, "err", err)
	}
	return &asynqQueue{cfg: cfg, opt: opt, client: asynq.NewClient(opt), insp: asynq.NewInspector(opt), rdb: rdb}, nil
}

func (q *asynqQueue) enqueue(ctx context.Context, s *Spec, payload []byte, o Options) (*Info, error) {
	// asynq keeps timeouts in whole seconds: less would be none at all
	opts := []asynq.Option{asynq.Queue(o.Queue), asynq.MaxRetry(o.Retries), asynq.Timeout(max(o.Timeout, time.Second))}
	if !o.At.IsZero() {
		// asynq schedules in whole seconds: round up, never run early
		if at := o.At.Truncate(time.Second); !at.Equal(o.At) {
			o.At = at.Add(time.Second)
		}
		opts = append(opts, asynq.ProcessAt(o.At))
	}
	if o.Unique > 0 {
		opts = append(opts, asynq.Unique(o.Unique))
	}
	if o.ID != "" {
		opts = append(opts, asynq.TaskID(o.ID))
	}
	// bounded: an unreachable Redis is an error in seconds, not a hang
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	ti, err := q.client.EnqueueContext(ctx, asynq.NewTask(s.Name, payload), opts...)
	switch {
	case errors.Is(err, asynq.ErrDuplicateTask), errors.Is(err, asynq.ErrTaskIDConflict):
		return nil, fmt.Errorf("%w: %s", ErrDuplicate, s.Name)
	case err != nil:
		return nil, fmt.Errorf("jobs: enqueue %s: %w", s.Name, err)
	}
	return info(ti), nil
}

func info(ti *asynq.TaskInfo) *Info {
	return &Info{ID: ti.ID, Name: ti.Type, Queue: ti.Queue, State: ti.State.String(), Payload: string(ti.Payload),
		Retried: ti.Retried, Retries: ti.MaxRetry, LastError: ti.LastErr, FailedAt: ti.LastFailedAt, NextAt: ti.NextProcessAt}
}

func (q *asynqQueue) work(ctx context.Context, specs map[string]*Spec, queues []string) error {
	weights := make(map[string]int, len(queues))
	for _, n := range queues {
		weights[n] = 1
	}
	srv := asynq.NewServer(q.opt, asynq.Config{
		Concurrency: q.cfg.Workers,
		Queues:      weights,
		RetryDelayFunc: func(n int, _ error, _ *asynq.Task) time.Duration {
			return q.cfg.backoff(n + 1)
		},
		ShutdownTimeout:          q.cfg.ShutdownTimeout,
		DelayedTaskCheckInterval: q.cfg.Poll,
		Logger:                   slogger{},
		LogLevel:                 asynq.WarnLevel,
	})
	mux := asynq.NewServeMux()
	for name, s := range specs {
		mux.HandleFunc(name, func(ctx context.Context, t *asynq.Task) error {
			err := safeRun(ctx, s, t.Payload())
			if err == nil {
				succeeded.Add(1)
				return nil
			}
			failedRuns.Add(1)
			if isPermanent(err) {
				slog.Error("job failed; not retried", "job", name, "err", err)
				return fmt.Errorf("%w: %w", asynq.SkipRetry, err)
			}
			retried.Add(1)
			slog.Warn("job failed", "job", name, "err", err)
			return err
		})
	}
	if err := srv.Start(mux); err != nil {
		return fmt.Errorf("jobs: worker: %w", err)
	}
	<-ctx.Done()
	srv.Shutdown() // waits ShutdownTimeout for running jobs, then returns the rest to the queue
	return nil
}

func (q *asynqQueue) list(_ context.Context, state string, limit int) ([]Info, error) {
	queues, err := q.insp.Queues()
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	// each state of ours is one or more of asynq's
	lists := map[string][]func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error){
		"pending":   {q.insp.ListPendingTasks, q.insp.ListScheduledTasks, q.insp.ListRetryTasks},
		"running":   {q.insp.ListActiveTasks},
		"failed":    {q.insp.ListArchivedTasks},
		"succeeded": {q.insp.ListCompletedTasks},
	}[state]
	var out []Info
	for _, name := range queues {
		for _, ls := range lists {
			tasks, err := ls(name, asynq.PageSize(limit))
			if err != nil {
				return nil, fmt.Errorf("jobs: %w", err)
			}
			for _, t := range tasks {
				i := info(t)
				if state == "failed" || state == "succeeded" || state == "running" {
					i.State = state
				}
				out = append(out, *i)
			}
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// fireLock takes a cron firing's lock in Redis, kept an hour.
func (q *asynqQueue) fireLock(ctx context.Context, key string) (bool, error) {
	return q.rdb.SetNX(ctx, key, "1", time.Hour).Result()
}

func (q *asynqQueue) close() error {
	q.insp.Close()
	q.rdb.Close()
	return q.client.Close()
}

// slogger sends asynq's log lines to slog.
type slogger struct{}

func (slogger) Debug(args ...any) { slog.Debug(fmt.Sprint(args...), "from", "asynq") }
func (slogger) Info(args ...any)  { slog.Info(fmt.Sprint(args...), "from", "asynq") }
func (slogger) Warn(args ...any)  { slog.Warn(fmt.Sprint(args...), "from", "asynq") }
func (slogger) Error(args ...any) { slog.Error(fmt.Sprint(args...), "from", "asynq") }
func (slogger) Fatal(args ...any) { slog.Error(fmt.Sprint(args...), "from", "asynq") }
