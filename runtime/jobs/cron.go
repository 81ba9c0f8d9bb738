package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/bkgen/bkgen/runtime/config"
)

// Entry is one cron schedule: a job with its payload and queue.
type Entry struct {
	Where   string // schema:NAME or FILE:LINE
	Spec    string
	Job     string
	Payload []byte
	Queue   string
	Unique  time.Duration

	sched cron.Schedule
}

// Problem is a crontab entry that was skipped, with where it is.
type Problem struct {
	Where string
	Err   error
}

func (p Problem) Error() string { return p.Where + ": " + p.Err.Error() }

// cronParser takes backendjs's six fields (seconds first), the usual five,
// and descriptors (@hourly, @every 5m).
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// crontabEntry is one element of etc/crontab, in backendjs's format.
type crontabEntry struct {
	Cron      string          `json:"cron"`
	Job       json.RawMessage `json:"job"`
	QueueName string          `json:"queueName"`
	Disabled  bool            `json:"disabled"`
	UniqueTTL int64           `json:"uniqueTtl"` // ms
}

// ParseCrontab reads a crontab (a JSON array of {cron, job, queueName,
// disabled, uniqueTtl}) and returns its valid entries and, with their
// line, the ones skipped. A job is "name", {"name": {payload}} (several
// names: one entry each) or {"job": …} as in backendjs.
func (j *Jobs) ParseCrontab(file string, data []byte) ([]Entry, []Problem) {
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, []Problem{{file + ":1", errors.New("a crontab is a JSON array of {\"cron\": \"sec min hour dom mon dow\", \"job\": …}")}}
	}
	var entries []Entry
	var problems []Problem
	for dec.More() {
		where := fmt.Sprintf("%s:%d", file, lineAt(dec.InputOffset())+countLeadingNewlines(data[dec.InputOffset():]))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				where = fmt.Sprintf("%s:%d", file, lineAt(se.Offset))
			}
			// the rest of the file cannot be read past a syntax error
			return entries, append(problems, Problem{where, fmt.Errorf("JSON: %v; the entries after it are not loaded", err)})
		}
		var ce crontabEntry
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&ce); err != nil {
			problems = append(problems, Problem{where, fmt.Errorf("entry: %v", err)})
			continue
		}
		if ce.Disabled {
			continue
		}
		es, err := j.entries(where, ce)
		if err != nil {
			problems = append(problems, Problem{where, err})
			continue
		}
		entries = append(entries, es...)
	}
	return entries, problems
}

func countLeadingNewlines(b []byte) int {
	n := 0
	for _, c := range b {
		switch c {
		case '\n':
			n++
		case ' ', '\t', '\r', ',':
		default:
			return n
		}
	}
	return n
}

func (j *Jobs) entries(where string, ce crontabEntry) ([]Entry, error) {
	sched, err := cronParser.Parse(ce.Cron)
	if err != nil {
		return nil, fmt.Errorf("cron %q: %v", ce.Cron, err)
	}
	jobs := map[string]json.RawMessage{}
	var name string
	var obj map[string]json.RawMessage
	switch {
	case len(ce.Job) == 0:
		return nil, errors.New("no job")
	case json.Unmarshal(ce.Job, &name) == nil:
		jobs[name] = nil
	case json.Unmarshal(ce.Job, &obj) == nil:
		if inner, ok := obj["job"]; ok && len(obj) == 1 { // {"job": …} as in backendjs
			return j.entries(where, crontabEntry{Cron: ce.Cron, Job: inner, QueueName: ce.QueueName, UniqueTTL: ce.UniqueTTL})
		}
		for k, v := range obj {
			jobs[k] = v
		}
	default:
		return nil, errors.New(`job must be "name" or {"name": {payload}}`)
	}
	names := make([]string, 0, len(jobs))
	for n := range jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Entry
	for _, n := range names {
		s := j.specs[n]
		if s == nil {
			return nil, j.unknown(n)
		}
		payload := []byte(jobs[n])
		if len(payload) == 0 || string(payload) == "null" {
			payload = []byte("{}")
		}
		if s.Check != nil {
			if err := s.Check(payload); err != nil {
				return nil, &PayloadError{Job: n, Err: err}
			}
		}
		out = append(out, Entry{Where: where, Spec: ce.Cron, Job: n, Payload: payload, Queue: ce.QueueName, Unique: time.Duration(ce.UniqueTTL) * time.Millisecond, sched: sched})
	}
	return out, nil
}

// schemaEntries are the schedules declared with bk.Job().Cron.
func (j *Jobs) schemaEntries() ([]Entry, []Problem) {
	var out []Entry
	var problems []Problem
	for _, n := range j.Names() {
		s := j.specs[n]
		if s.Cron == "" {
			continue
		}
		sched, err := cronParser.Parse(s.Cron)
		if err != nil {
			problems = append(problems, Problem{"schema:" + n, fmt.Errorf("cron %q: %v", s.Cron, err)})
			continue
		}
		out = append(out, Entry{Where: "schema:" + n, Spec: s.Cron, Job: n, Payload: []byte("{}"), sched: sched})
	}
	return out, problems
}

// CrontabFiles are the crontab files of a home, in load order.
func CrontabFiles(home string) []string {
	return []string{filepath.Join(home, "etc", "crontab"), filepath.Join(home, "etc", "crontab.local")}
}

// LoadCrontabs reads the crontab files (missing ones are fine).
func (j *Jobs) LoadCrontabs(files []string) ([]Entry, []Problem) {
	var entries []Entry
	var problems []Problem
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			problems = append(problems, Problem{f, err})
			continue
		}
		e, p := j.ParseCrontab(f, data)
		entries, problems = append(entries, e...), append(problems, p...)
	}
	return entries, problems
}

// Schedule runs the cron scheduler until ctx ends: the schema's schedules
// and those of the crontab files, re-read when a file changes (checked
// every reload). A fired entry is enqueued, never run in place; with the
// Redis queue a lock per entry and second makes one scheduler enqueue it
// however many run.
func (j *Jobs) Schedule(ctx context.Context, files []string, reload time.Duration) {
	if reload <= 0 {
		reload = time.Second
	}
	c := cron.New(cron.WithParser(cronParser), cron.WithLocation(time.Local))
	var mu sync.Mutex
	var ids []cron.EntryID
	load := func() {
		entries, problems := j.schemaEntries()
		fe, fp := j.LoadCrontabs(files)
		entries, problems = append(entries, fe...), append(problems, fp...)
		for _, p := range problems {
			slog.Warn("cron entry skipped", "where", p.Where, "err", p.Err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, id := range ids {
			c.Remove(id)
		}
		ids = ids[:0]
		for _, e := range entries {
			ids = append(ids, c.Schedule(e.sched, cron.FuncJob(func() { j.fire(ctx, e) })))
		}
		slog.Info("cron loaded", "entries", len(entries), "skipped", len(problems))
	}
	load()
	c.Start()
	defer func() { <-c.Stop().Done() }()
	config.WatchFiles(ctx, func() []string { return files }, reload, load)
}

// fire enqueues a due entry, once per second of schedule across schedulers.
func (j *Jobs) fire(ctx context.Context, e Entry) {
	at := time.Now().Truncate(time.Second)
	if q, ok := j.q.(cronLocker); ok {
		h := sha256.Sum256([]byte(e.Spec + "\x00" + e.Job + "\x00" + string(e.Payload) + "\x00" + e.Queue))
		key := fmt.Sprintf("bk:cron:%s:%d", hex.EncodeToString(h[:12]), at.Unix())
		lctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		won, err := q.fireLock(lctx, key)
		cancel()
		if err != nil {
			slog.Error("cron: cannot take the fire lock; not enqueued", "where", e.Where, "job", e.Job, "err", err)
			return
		}
		if !won {
			return // another scheduler has it
		}
	}
	var opts []Option
	if e.Queue != "" {
		opts = append(opts, Queue(e.Queue))
	}
	if e.Unique > 0 {
		opts = append(opts, Unique(e.Unique))
	}
	info, err := j.Enqueue(ctx, e.Job, e.Payload, opts...)
	if err != nil {
		slog.Error("cron: job not enqueued", "where", e.Where, "job", e.Job, "err", err)
		return
	}
	slog.Info("cron fired", "where", e.Where, "job", e.Job, "id", info.ID, "at", at)
}

// CronInfo is a cron entry with its next run, as the admin console lists it.
type CronInfo struct {
	Where   string    `json:"where"`
	Spec    string    `json:"cron"`
	Job     string    `json:"job"`
	Payload string    `json:"payload,omitempty"`
	Queue   string    `json:"queue,omitempty"`
	Next    time.Time `json:"next"`
}

// CronEntries lists the schema's schedules and those of the crontab files
// with their next run after now (what Schedule runs, read again).
func (j *Jobs) CronEntries(files []string, now time.Time) ([]CronInfo, []Problem) {
	entries, problems := j.schemaEntries()
	fe, fp := j.LoadCrontabs(files)
	entries, problems = append(entries, fe...), append(problems, fp...)
	out := make([]CronInfo, 0, len(entries))
	for _, e := range entries {
		out = append(out, CronInfo{Where: e.Where, Spec: e.Spec, Job: e.Job, Payload: string(e.Payload), Queue: e.Queue, Next: e.sched.Next(now.In(time.Local))})
	}
	return out, problems
}
