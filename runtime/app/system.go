package app

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"

	"github.com/bkgen/bkgen/runtime/cache"
	"github.com/bkgen/bkgen/runtime/db"
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
