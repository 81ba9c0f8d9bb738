package jobs

import (
	"container/heap"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"runtime"
	"sort"
	"sync"
	"time"
)

func numCPU() int { return runtime.NumCPU() }

// local is the in-process queue: a heap of tasks by run time, workers in
// goroutines, retries with backoff and a bounded list of failed jobs.
type local struct {
	cfg     Config
	mu      sync.Mutex
	tasks   taskHeap
	wake    chan struct{} // a task was added
	unique  map[string]time.Time
	ids     map[string]bool
	failedL []Info // newest last, at most maxFailed
	doneL   []Info // succeeded, newest last, at most maxDone
	running map[string]Info
}

const (
	maxFailed = 1000
	maxDone   = 100
)

type task struct {
	info    Info
	payload []byte
	spec    *Spec
	at      time.Time
	timeout time.Duration
	lock    string // unique key held until the task ends
}

type taskHeap []*task

func (h taskHeap) Len() int           { return len(h) }
func (h taskHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h taskHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *taskHeap) Push(x any)        { *h = append(*h, x.(*task)) }
func (h *taskHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

func newLocal(cfg Config) *local {
	return &local{cfg: cfg, wake: make(chan struct{}, 1), unique: map[string]time.Time{}, ids: map[string]bool{}, running: map[string]Info{}}
}

func uniqueKey(name, queue string, payload []byte) string {
	h := sha256.Sum256(payload)
	return name + "\x00" + queue + "\x00" + hex.EncodeToString(h[:])
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (l *local) enqueue(_ context.Context, s *Spec, payload []byte, o Options) (*Info, error) {
	now := time.Now()
	t := &task{spec: s, payload: payload, at: o.At, timeout: o.Timeout}
	if t.at.IsZero() {
		t.at = now
	}
	id := o.ID
	if id == "" {
		id = newID()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if o.ID != "" && l.ids[o.ID] {
		return nil, fmt.Errorf("%w: id %s", ErrDuplicate, o.ID)
	}
	if o.Unique > 0 {
		k := uniqueKey(s.Name, o.Queue, payload)
		if until, ok := l.unique[k]; ok && until.After(now) {
			return nil, fmt.Errorf("%w: %s", ErrDuplicate, s.Name)
		}
		l.unique[k] = now.Add(o.Unique)
		t.lock = k
	}
	if o.ID != "" {
		l.ids[o.ID] = true
	}
	state := "pending"
	if t.at.After(now) {
		state = "scheduled"
	}
	t.info = Info{ID: id, Name: s.Name, Queue: o.Queue, State: state, Payload: string(payload), Retries: o.Retries, NextAt: t.at}
	heap.Push(&l.tasks, t)
	select {
	case l.wake <- struct{}{}:
	default:
	}
	info := t.info
	return &info, nil
}

// next waits for a task that is due, or for ctx to end.
func (l *local) next(ctx context.Context) *task {
	for {
		l.mu.Lock()
		var wait time.Duration = time.Hour
		if len(l.tasks) > 0 {
			if d := time.Until(l.tasks[0].at); d <= 0 {
				t := heap.Pop(&l.tasks).(*task)
				l.mu.Unlock()
				return t
			} else {
				wait = d
			}
		}
		l.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-l.wake:
			timer.Stop()
			// pass the wake-up on: another worker may be waiting too
			select {
			case l.wake <- struct{}{}:
			default:
			}
			// let the other workers see the task before looping
			runtime.Gosched()
		case <-timer.C:
		}
	}
}

func (l *local) work(ctx context.Context, specs map[string]*Spec, queues []string) error {
	var wg sync.WaitGroup
	// running jobs get their own context: at shutdown they have
	// ShutdownTimeout to finish before it is cancelled.
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	for range l.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t := l.next(ctx)
				if t == nil {
					return
				}
				l.run(runCtx, t)
			}
		}()
	}
	<-ctx.Done()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(l.cfg.ShutdownTimeout):
		cancelRuns()
		<-done
	}
	return nil
}

func (l *local) run(ctx context.Context, t *task) {
	l.mu.Lock()
	running := t.info
	running.State = "running"
	l.running[t.info.ID] = running
	l.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	err := safeRun(ctx, t.spec, t.payload)
	cancel()
	l.mu.Lock()
	delete(l.running, t.info.ID)
	l.mu.Unlock()
	if err == nil {
		succeeded.Add(1)
		done := t.info
		done.State, done.NextAt = "succeeded", time.Time{}
		l.mu.Lock()
		l.doneL = append(l.doneL, done)
		if len(l.doneL) > maxDone {
			l.doneL = l.doneL[len(l.doneL)-maxDone:]
		}
		l.mu.Unlock()
		l.finish(t)
		return
	}
	failedRuns.Add(1)
	t.info.LastError = err.Error()
	if !isPermanent(err) && t.info.Retried < t.info.Retries {
		t.info.Retried++
		retried.Add(1)
		t.at = time.Now().Add(l.cfg.backoff(t.info.Retried))
		t.info.State, t.info.NextAt = "retry", t.at
		slog.Warn("job failed; retrying", "job", t.info.Name, "id", t.info.ID, "retry", t.info.Retried, "of", t.info.Retries, "at", t.at, "err", err)
		l.mu.Lock()
		heap.Push(&l.tasks, t)
		l.mu.Unlock()
		select {
		case l.wake <- struct{}{}:
		default:
		}
		return
	}
	slog.Error("job failed", "job", t.info.Name, "id", t.info.ID, "retried", t.info.Retried, "err", err)
	t.info.State, t.info.FailedAt, t.info.NextAt = "failed", time.Now(), time.Time{}
	l.mu.Lock()
	l.failedL = append(l.failedL, t.info)
	if len(l.failedL) > maxFailed {
		l.failedL = l.failedL[len(l.failedL)-maxFailed:]
	}
	l.mu.Unlock()
	l.finish(t)
}

// finish releases what a task held.
func (l *local) finish(t *task) {
	l.mu.Lock()
	if t.lock != "" {
		delete(l.unique, t.lock)
	}
	delete(l.ids, t.info.ID)
	l.mu.Unlock()
}

// safeRun runs a job, turning a panic into an error.
func safeRun(ctx context.Context, s *Spec, payload []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if s.Run == nil {
		return Permanent(fmt.Errorf("job %s has no handler in this process", s.Name))
	}
	return s.Run(ctx, payload)
}

func (l *local) list(_ context.Context, state string, limit int) ([]Info, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Info
	newest := func(list []Info) {
		for i := len(list) - 1; i >= 0 && len(out) < limit; i-- {
			out = append(out, list[i])
		}
	}
	switch state {
	case "failed":
		newest(l.failedL)
	case "succeeded":
		newest(l.doneL)
	case "running":
		for _, i := range l.running {
			out = append(out, i)
		}
		sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	case "pending":
		for _, t := range l.tasks {
			out = append(out, t.info)
		}
		sort.Slice(out, func(a, b int) bool { return out[a].NextAt.Before(out[b].NextAt) })
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (l *local) close() error { return nil }
