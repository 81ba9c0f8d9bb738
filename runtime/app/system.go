package app

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bkgen/bkgen/runtime/cache"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/jobs"
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
		if _, shared := bus.(*pubsub.Redis); shared {
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
// job by name with JSON args), failed (the jobs that used up their
// retries) and list (the jobs and their settings).
func jobRoutes(mux *http.ServeMux, j *jobs.Jobs) {
	mux.HandleFunc("/system/jobs/list", func(w http.ResponseWriter, r *http.Request) {
		type spec struct {
			Name    string `json:"name"`
			Queue   string `json:"queue"`
			Cron    string `json:"cron,omitempty"`
			Retries int    `json:"retries"`
			Timeout string `json:"timeout"`
			Unique  string `json:"unique,omitempty"`
		}
		out := []spec{}
		for _, n := range j.Names() {
			s := j.Spec(n)
			sp := spec{Name: n, Queue: s.Queue, Cron: s.Cron, Retries: s.Retries, Timeout: s.Timeout.String()}
			if s.Unique > 0 {
				sp.Unique = s.Unique.String()
			}
			out = append(out, sp)
		}
		web.JSON(w, map[string]any{"jobs": out, "local": j.Local()})
	})
	mux.HandleFunc("/system/jobs/failed", func(w http.ResponseWriter, r *http.Request) {
		limit := 100
		if v := r.FormValue("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				web.Error(w, http.StatusBadRequest, "BadLimit", "limit must be a number from 1 to 1000")
				return
			}
			limit = n
		}
		list, err := j.Failed(r.Context(), limit)
		if err != nil {
			web.Error(w, http.StatusServiceUnavailable, "QueueUnavailable", err.Error())
			return
		}
		if list == nil {
			list = []jobs.Info{}
		}
		web.JSON(w, map[string]any{"count": len(list), "data": list})
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
