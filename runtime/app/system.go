package app

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/bkgen/bkgen/runtime/cache"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/jobs"
	"github.com/bkgen/bkgen/runtime/metrics"
	"github.com/bkgen/bkgen/runtime/pubsub"
	"github.com/bkgen/bkgen/runtime/web"
)

// openCache opens the configured cache. A local LRU is wrapped so that its
// invalidations reach the other processes when the bus is shared (Redis).
func openCache(ctx context.Context, cc cache.Config, bus pubsub.Bus) (cache.Cache, error) {
	c, err := cache.Open(cc)
	if err != nil {
		return nil, err
	}
	if l, ok := c.(*cache.Local); ok {
		if pubsub.Shared(bus) {
			return cache.NewBroadcast(ctx, l, bus), nil
		}
	}
	slog.Debug("cache", "driver", c.Name())
	return c, nil
}

// cacheRoutes registers the admin endpoints of the cache (the checker
// keeps /system/ for admins): stats, get, del and clear, GET or POST.
func cacheRoutes(mux *http.ServeMux, c cache.Cache) {
	get := func(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodHead {
				web.MethodNotAllowed(w, r, http.MethodGet)
				return
			}
			h(w, r)
		}
	}
	key := func(w http.ResponseWriter, r *http.Request) (string, bool) {
		k := r.FormValue("key")
		if k == "" {
			web.Error(w, http.StatusBadRequest, "MissingKey", "key is required, as table|key part|…, for example album|"+"0123")
			return "", false
		}
		return k, true
	}
	mux.HandleFunc("/system/cache/stats", get(func(w http.ResponseWriter, r *http.Request) {
		web.JSON(w, c.Stats())
	}))
	mux.HandleFunc("/system/cache/get", get(func(w http.ResponseWriter, r *http.Request) {
		k, ok := key(w, r)
		if !ok {
			return
		}
		val, hit, _, err := c.Load(r.Context(), k)
		if err != nil {
			web.Error(w, http.StatusServiceUnavailable, "CacheUnavailable", "cache: "+err.Error())
			return
		}
		if !hit {
			web.Error(w, http.StatusNotFound, "NotFound", "no cached value for "+k)
			return
		}
		out := map[string]any{"key": k, "size": len(val)}
		if row, known, err := db.CachedView(k, val); known && err == nil {
			out["row"] = row
		} else {
			out["value"] = base64.StdEncoding.EncodeToString(val)
		}
		web.JSON(w, out)
	}))
	mux.HandleFunc("/system/cache/del", get(func(w http.ResponseWriter, r *http.Request) {
		k, ok := key(w, r)
		if !ok {
			return
		}
		if err := c.Del(r.Context(), k); err != nil {
			web.Error(w, http.StatusServiceUnavailable, "CacheUnavailable", "cache: "+err.Error())
			return
		}
		web.JSON(w, map[string]any{"key": k, "deleted": true})
	}))
	mux.HandleFunc("/system/cache/clear", get(func(w http.ResponseWriter, r *http.Request) {
		prefix := r.FormValue("prefix")
		if err := c.Clear(r.Context(), prefix); err != nil {
			web.Error(w, http.StatusServiceUnavailable, "CacheUnavailable", "cache: "+err.Error())
			return
		}
		web.JSON(w, map[string]any{"prefix": prefix, "cleared": true})
	}))
}

// jobRoutes registers the admin endpoints of the jobs: submit (enqueue a
// job by name with JSON args), get (the jobs in a state: pending, running,
// failed, succeeded), failed (get?state=failed), cron (the entries with
// their next run) and list (the jobs, their settings and payload fields).
func jobRoutes(mux *http.ServeMux, j *jobs.Jobs, home string) {
	// list answers up to ?limit= (1..1000, default 100) jobs in state
	list := func(w http.ResponseWriter, r *http.Request, state string) {
		limit := 100
		if v := r.FormValue("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				web.Error(w, http.StatusBadRequest, "BadLimit", "limit must be a number from 1 to 1000")
				return
			}
			limit = n
		}
		if !slices.Contains(jobs.States, state) {
			web.Error(w, http.StatusBadRequest, "BadState", "state is one of "+strings.Join(jobs.States, ", "))
			return
		}
		list, err := j.List(r.Context(), state, limit)
		if err != nil {
			web.Error(w, http.StatusServiceUnavailable, "QueueUnavailable", err.Error())
			return
		}
		if list == nil {
			list = []jobs.Info{}
		}
		web.JSON(w, map[string]any{"state": state, "count": len(list), "data": list, "counts": jobs.Counts()})
	}
	mux.HandleFunc("/system/jobs/get", func(w http.ResponseWriter, r *http.Request) { list(w, r, r.FormValue("state")) })
	mux.HandleFunc("/system/jobs/failed", func(w http.ResponseWriter, r *http.Request) { list(w, r, "failed") })
	mux.HandleFunc("/system/jobs/cron", func(w http.ResponseWriter, r *http.Request) {
		entries, problems := j.CronEntries(jobs.CrontabFiles(home), time.Now())
		skipped := make([]string, 0, len(problems))
		for _, p := range problems {
			skipped = append(skipped, p.Error())
		}
		web.JSON(w, map[string]any{"count": len(entries), "data": entries, "skipped": skipped})
	})
	mux.HandleFunc("/system/jobs/list", func(w http.ResponseWriter, r *http.Request) {
		type spec struct {
			Name    string       `json:"name"`
			Queue   string       `json:"queue"`
			Cron    string       `json:"cron,omitempty"`
			Retries int          `json:"retries"`
			Timeout string       `json:"timeout"`
			Unique  string       `json:"unique,omitempty"`
			Fields  []jobs.Field `json:"fields"`
		}
		out := []spec{}
		for _, n := range j.Names() {
			s := j.Spec(n)
			sp := spec{Name: n, Queue: s.Queue, Cron: s.Cron, Retries: s.Retries, Timeout: s.Timeout.String(), Fields: s.Fields}
			if sp.Fields == nil {
				sp.Fields = []jobs.Field{}
			}
			if s.Unique > 0 {
				sp.Unique = s.Unique.String()
			}
			out = append(out, sp)
		}
		web.JSON(w, map[string]any{"jobs": out, "local": j.Local()})
	})
	mux.HandleFunc("/system/jobs/submit", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			web.MethodNotAllowed(w, r, http.MethodPost)
			return
		}
		name, args := r.URL.Query().Get("name"), []byte(r.URL.Query().Get("args"))
		if ct := r.Header.Get("Content-Type"); r.Method == http.MethodPost && strings.HasPrefix(ct, "application/json") {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				web.Error(w, http.StatusBadRequest, "BadBody", "cannot read the body")
				return
			}
			args = body
		} else if r.Method == http.MethodPost {
			if v := r.PostFormValue("args"); v != "" {
				args = []byte(v)
			}
			if v := r.PostFormValue("name"); v != "" {
				name = v
			}
		}
		if name == "" {
			web.Error(w, http.StatusBadRequest, "MissingName", "name is required: the job to run ("+strings.Join(j.Names(), ", ")+")")
			return
		}
		var opts []jobs.Option
		if q := r.FormValue("queue"); q != "" {
			opts = append(opts, jobs.Queue(q))
		}
		if v := r.FormValue("delay"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				web.Error(w, http.StatusBadRequest, "BadDelay", "delay is a duration such as 30s or 5m")
				return
			}
			opts = append(opts, jobs.Delay(d))
		}
		info, err := j.Enqueue(r.Context(), name, args, opts...)
		var perr *jobs.PayloadError
		switch {
		case errors.Is(err, jobs.ErrUnknownJob):
			web.Error(w, http.StatusBadRequest, "UnknownJob", err.Error())
		case errors.As(err, &perr):
			web.Error(w, http.StatusBadRequest, "BadPayload", err.Error())
		case errors.Is(err, jobs.ErrDuplicate):
			web.Error(w, http.StatusConflict, "Duplicate", err.Error())
		case err != nil:
			web.Error(w, http.StatusServiceUnavailable, "QueueUnavailable", err.Error())
		default:
			web.JSON(w, info)
		}
	})
}

// systemRoutes registers /metrics (Prometheus), /system/stats/get
// (backendjs's flat statistics) and /system/restart.
func (a *App) systemRoutes(mux *http.ServeMux, s *services, guard *web.Guard, lc *live) {
	cacheStat := func(f func(cache.Stats) int64) func() float64 {
		return func() float64 { return float64(f(s.rows.Stats())) }
	}
	jobStat := func(f func(jobs.Stats) int64) func() float64 {
		return func() float64 { return float64(f(jobs.Counts())) }
	}
	mux.Handle("/metrics", s.metrics.Handler(
		metrics.Gauge{Name: "bk_cache_hits_total", Help: "Cache reads that found the row.", Counter: true, Value: cacheStat(func(c cache.Stats) int64 { return c.Hits })},
		metrics.Gauge{Name: "bk_cache_misses_total", Help: "Cache reads that went to the database.", Counter: true, Value: cacheStat(func(c cache.Stats) int64 { return c.Misses })},
		metrics.Gauge{Name: "bk_cache_invalidations_total", Help: "Cache keys invalidated by writes.", Counter: true, Value: cacheStat(func(c cache.Stats) int64 { return c.Dels })},
		metrics.Gauge{Name: "bk_cache_errors_total", Help: "Failed cache calls.", Counter: true, Value: cacheStat(func(c cache.Stats) int64 { return c.Errors })},
		metrics.Gauge{Name: "bk_cache_entries", Help: "Entries in the local cache.", Value: cacheStat(func(c cache.Stats) int64 { return int64(c.Entries) })},
		metrics.Gauge{Name: "bk_jobs_enqueued_total", Help: "Jobs enqueued by this process.", Counter: true, Value: jobStat(func(j jobs.Stats) int64 { return j.Enqueued })},
		metrics.Gauge{Name: "bk_jobs_succeeded_total", Help: "Job runs that succeeded in this process.", Counter: true, Value: jobStat(func(j jobs.Stats) int64 { return j.Succeeded })},
		metrics.Gauge{Name: "bk_jobs_failed_total", Help: "Job runs that failed in this process.", Counter: true, Value: jobStat(func(j jobs.Stats) int64 { return j.Failed })},
		metrics.Gauge{Name: "bk_scheduling_lag_seconds", Help: "How late the process runs a timer (the busy check's latency).", Value: func() float64 { return guard.Latency().Seconds() }},
	))
	info := metrics.Info{App: a.Name + "/" + version(), Role: s.role, Pool: s.pool.Dialect(), Latency: guard.Latency,
		Extra: func(out map[string]any) {
			c := s.rows.Stats()
			out["pool_hits"], out["pool_misses"] = c.Hits, c.Misses
			out["cache_driver"], out["cache_hits"], out["cache_misses"], out["cache_fills"] = c.Driver, c.Hits, c.Misses, c.Fills
			out["cache_dels"], out["cache_errors"], out["cache_entries"] = c.Dels, c.Errors, c.Entries
			j := jobs.Counts()
			out["jobs_enqueued"], out["jobs_succeeded"], out["jobs_failed"] = j.Enqueued, j.Succeeded, j.Failed
		}}
	mux.HandleFunc("/system/stats/get", func(w http.ResponseWriter, r *http.Request) {
		web.JSON(w, s.metrics.Stats(info))
	})
	mux.HandleFunc("/system/metrics/history", func(w http.ResponseWriter, r *http.Request) {
		var since int64
		if v := r.FormValue("since"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				web.Error(w, http.StatusBadRequest, "BadSince", "since is a time in Unix milliseconds")
				return
			}
			since = n
		}
		web.JSON(w, map[string]any{"interval_ms": s.history.Interval().Milliseconds(), "data": s.history.Samples(since)})
	})
	mux.HandleFunc("/system/config/get", func(w http.ResponseWriter, r *http.Request) {
		web.JSON(w, map[string]any{"data": lc.paramViews()})
	})
	mux.HandleFunc("/system/restart", func(w http.ResponseWriter, r *http.Request) {
		if os.Getenv(childEnv) == "" {
			web.Error(w, http.StatusBadRequest, "NoMonitor", "this process runs without a monitor: a graceful restart needs `"+a.Name+" start` (or monitor)")
			return
		}
		// the monitor starts a new web process, then stops this one
		if err := syscall.Kill(os.Getppid(), syscall.SIGHUP); err != nil {
			web.Error(w, http.StatusServiceUnavailable, "RestartFailed", err.Error())
			return
		}
		web.JSON(w, map[string]any{})
	})
}

// version is the module version of the binary.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "devel"
}
