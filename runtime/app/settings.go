package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/bkgen/bkgen/runtime/admin"
	"github.com/bkgen/bkgen/runtime/auth"
	"github.com/bkgen/bkgen/runtime/cache"
	"github.com/bkgen/bkgen/runtime/config"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/files"
	"github.com/bkgen/bkgen/runtime/gql"
	"github.com/bkgen/bkgen/runtime/jobs"
	"github.com/bkgen/bkgen/runtime/pubsub"
	"github.com/bkgen/bkgen/runtime/web"
)

// settings are every parameter of the binary, by the package that uses them.
type settings struct {
	home       string
	log        string // level
	accessLog  string // "", stderr or a file
	pprof      string // -debug-pprof
	maxLatency time.Duration
	limits     web.Limits
	server     serverConfig
	dbc        db.Config
	wc         web.Config
	ac         auth.Config
	gc         gql.Config
	pc         pubsub.Config
	cc         cache.Config
	jc         jobs.Config
	fc         files.Config
	adm        admin.Config
	// the application's own parameters (App.Params): each one's commit,
	// and whether it is live
	vars []appVar
}

type appVar struct {
	commit func()
	live   bool
}

// commitVars makes the values loaded the application's parameters' (with
// live, only those of the live ones).
func (s *settings) commitVars(liveOnly bool) {
	for _, v := range s.vars {
		if v.live || !liveOnly {
			v.commit()
		}
	}
}

// serverConfig drives the monitor (backendjs's server-* parameters).
type serverConfig struct {
	Roles        []string      // children of the monitor
	RestartDelay time.Duration // first restart after a crash
	CrashCount   int           // quick crashes in a row before giving up
	CrashWindow  time.Duration // a child that exits sooner than this crashed "quickly"
	NoRestart    bool
}

// liveParams apply without a restart when etc/config changes.
var liveParams = []string{
	"log", "api-allow-path", "api-deny-path", "api-allow-admin", "api-allow-anonymous", "api-allow-account-", "api-deny-account-",
	"api-max-latency", "cache-max-entries",
	"api-rlimits-rate-ip", "api-rlimits-max-ip", "api-rlimits-interval-ip",
	"api-rlimits-rate-path", "api-rlimits-max-path", "api-rlimits-interval-path",
	"api-rlimits-rate-login", "api-rlimits-max-login", "api-rlimits-interval-login",
}

// declare returns a parameter set bound to a fresh settings, with the
// application's own parameters.
func declare(vars []config.Var) (*config.Set, *settings) {
	s := &settings{}
	p := config.New()
	p.String(&s.home, "home", "", "application home: etc/config is read from it, the SQLite file goes to var/ (env BKJS_HOME; default the current directory)")
	p.String(&s.log, "log", "info", "log level: debug, info, warn or error")
	p.String(&s.accessLog, "log-access", "", "access log, one line per request: stderr, or a file (relative to HOME/log); empty: none")
	p.String(&s.pprof, "debug-pprof", "", "loopback host:port to serve Go's profiles on (/debug/pprof/, for go tool pprof); empty: none")
	p.Duration(&s.maxLatency, "api-max-latency", time.Second, "answer 503 while the process lags behind by more than this (scheduling latency, as backendjs's toobusy); 0: never")
	s.limits.Params(p)
	p.List(&s.server.Roles, "server-roles", "roles the monitor runs (web, master, worker); default web, plus master when -jobs-queue is shared")
	p.Duration(&s.server.RestartDelay, "server-restart-delay", 100*time.Millisecond, "delay before restarting a crashed child; doubled at each quick crash in a row")
	p.Int(&s.server.CrashCount, "server-crash-count", 5, "quick crashes in a row after which the monitor stops restarting a child")
	p.Duration(&s.server.CrashWindow, "server-crash-window", 3*time.Second, "a child that exits sooner than this after starting has crashed quickly")
	p.Bool(&s.server.NoRestart, "server-no-restart", false, "do not restart crashed children")
	s.dbc.Params(p)
	s.wc.Params(p)
	s.ac.Params(p)
	s.gc.Params(p)
	s.pc.Params(p)
	s.cc.Params(p)
	s.jc.Params(p)
	s.fc.Params(p)
	s.adm.Params(p)
	p.Live(liveParams...)
	for _, v := range vars {
		s.vars = append(s.vars, appVar{commit: v.Declare(p), live: v.IsLive()})
	}
	return p, s
}

// level parses -log.
func level(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	if err != nil {
		return 0, fmt.Errorf("-log %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// live are the parts of a running process that take new settings; the
// role sets them once they exist, the config watcher reads them.
type live struct {
	mu       sync.Mutex
	params   *config.Set // as loaded at start
	reloaded *config.Set // as the config files were last read (nil: never)
	level    *slog.LevelVar
	checker  *auth.Checker
	guard    *web.Guard
	cache    cache.Cache
}

func (l *live) set(checker *auth.Checker, guard *web.Guard, c cache.Cache) {
	l.mu.Lock()
	l.checker, l.guard, l.cache = checker, guard, c
	l.mu.Unlock()
}

// watchConfig re-reads the config files when they change (checked every
// interval) and applies the live parameters; a change of another one is
// logged as needing a restart. Flags and environment keep winning.
func watchConfig(ctx context.Context, home string, args []string, current *config.Set, vars []config.Var, l *live, interval time.Duration) {
	old := current.Values()
	config.WatchFiles(ctx, func() []string { return config.Files(home) }, interval, func() {
		p, s := declare(vars)
		_, problems, err := p.Load(home, os.Environ(), args)
		if err != nil {
			slog.Error("config reload", "err", err)
			return
		}
		for _, pr := range problems {
			slog.Warn("config line skipped", "where", pr.Where, "err", pr.Err)
		}
		applyLive(s, l)
		s.commitVars(true)
		l.mu.Lock()
		l.reloaded = p
		l.mu.Unlock()
		values := p.Values()
		var restart []string
		for name, v := range values {
			if prm := p.Lookup(name); prm != nil && !prm.Live && old[name] != v {
				restart = append(restart, name)
			}
		}
		if len(restart) > 0 {
			slog.Warn("config changed; these parameters need a restart to apply", "params", strings.Join(restart, ","))
		}
		old = values
		slog.Info("config reloaded", "files", strings.Join(config.Files(home), ","))
	})
}

// applyLive hands the live parameters of s to the running parts.
func applyLive(s *settings, l *live) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lv, err := level(s.log); err != nil {
		slog.Warn("config", "err", err)
	} else if l.level != nil {
		l.level.Set(lv)
	}
	if l.checker != nil {
		if err := l.checker.SetRules(s.ac); err != nil {
			slog.Error("config: the path rules in force stay", "err", err)
		}
	}
	if l.guard != nil {
		l.guard.Set(s.limits, s.maxLatency)
	}
	if c, ok := l.cache.(interface{ Resize(int) }); ok {
		c.Resize(s.cc.MaxEntries)
	}
}

// paramView is one parameter as the admin console shows it.
type paramView struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Value   string `json:"value"`  // masked when secret
	Source  string `json:"source"` // default, a file, env or flag
	Default string `json:"default"`
	Help    string `json:"help"`
	Live    bool   `json:"live"`
	Secret  bool   `json:"secret,omitempty"`
	// Pending: the config files now say otherwise, which applies at the
	// next restart (not a live parameter)
	Pending bool `json:"pending,omitempty"`
}

// paramViews lists every parameter with the value in force: for a live
// one the config files' latest, for the others the value at start.
func (l *live) paramViews() []paramView {
	l.mu.Lock()
	start, now := l.params, l.reloaded
	l.mu.Unlock()
	var out []paramView
	if start == nil {
		return out
	}
	for _, p := range start.Params() {
		cur := p
		pending := false
		if now != nil {
			if q := now.Lookup(p.Name); q != nil {
				if p.Live {
					cur = q
				} else {
					pending = q.Value != p.Value
				}
			}
		}
		out = append(out, paramView{Name: p.Name, Type: p.Type, Value: config.Masked(p.Name, cur.Value), Source: cur.Source,
			Default: config.Masked(p.Name, p.Default), Help: p.Help, Live: p.Live, Secret: config.IsSecret(p.Name), Pending: pending})
	}
	return out
}
