package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// An application's own parameters: typed handles it declares once (NewInt,
// NewRegexp, …) and lists in its App.Params. They are parameters like the
// runtime's, from the same places with the same precedence, in -help; a
// handle marked Live takes the new value when the config files change, and
// handlers read it with Get (an atomic load) on every use.

// Var is an application parameter.
type Var interface {
	// Declare declares the parameter on s; commit makes the value s loaded
	// the one Get returns.
	Declare(s *Set) (commit func())
	// IsLive reports whether the value follows the config files while the
	// process runs.
	IsLive() bool
}

// Value is a typed application parameter.
type Value[T any] struct {
	name, typ, def, help string
	live                 bool
	parse                func(string) (T, error)
	cur                  atomic.Pointer[T]
}

// Get returns the value in force: the default until the parameters are loaded.
func (v *Value[T]) Get() T {
	if p := v.cur.Load(); p != nil {
		return *p
	}
	t, _ := v.parse(v.def)
	return t
}

// Live marks the parameter live: a change in etc/config or etc/config.local
// reaches Get without a restart. It returns v.
func (v *Value[T]) Live() *Value[T] { v.live = true; return v }

// IsLive reports whether the parameter is live.
func (v *Value[T]) IsLive() bool { return v.live }

// Name is the parameter's name.
func (v *Value[T]) Name() string { return v.name }

// Declare declares v on s.
func (v *Value[T]) Declare(s *Set) (commit func()) {
	var staged T
	s.add(v.name, v.typ, v.def, v.help, func(in string) error {
		t, err := v.parse(in)
		if err != nil {
			return err
		}
		staged = t
		return nil
	})
	if v.live {
		s.Live(v.name)
	}
	return func() { t := staged; v.cur.Store(&t) }
}

func newValue[T any](name, typ, def, help string, parse func(string) (T, error)) *Value[T] {
	v := &Value[T]{name: name, typ: typ, def: def, help: help, parse: parse}
	if _, err := parse(def); err != nil {
		panic(fmt.Sprintf("config: default of %s: %v", name, err))
	}
	return v
}

// NewString declares a string parameter.
func NewString(name, def, help string) *Value[string] {
	return newValue(name, "string", def, help, func(s string) (string, error) { return s, nil })
}

// NewInt declares an integer parameter.
func NewInt(name string, def int, help string) *Value[int] {
	return newValue(name, "int", strconv.Itoa(def), help, func(s string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return 0, fmt.Errorf("%q is not an integer", s)
		}
		return n, nil
	})
}

// NewBool declares a boolean parameter (-name alone on the command line is true).
func NewBool(name string, def bool, help string) *Value[bool] {
	return newValue(name, "bool", strconv.FormatBool(def), help, parseBool)
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on", "t":
		return true, nil
	case "0", "false", "no", "off", "f", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean", s)
}

// NewDuration declares a duration parameter: Go syntax (1m30s) or plain ms.
func NewDuration(name string, def time.Duration, help string) *Value[time.Duration] {
	return newValue(name, "duration", def.String(), help, parseDuration)
}

func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (1m30s, or ms)", s)
	}
	return d, nil
}

// NewList declares a list parameter: comma-separated values, spaces
// trimmed, empty ones dropped ("a, b,c" is [a b c]).
func NewList(name string, def []string, help string) *Value[[]string] {
	return newValue(name, "list", strings.Join(def, ","), help, func(s string) ([]string, error) {
		var out []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, nil
	})
}

// NewRegexp declares a regular expression parameter (Go syntax); an empty
// value is nil, which matches nothing.
func NewRegexp(name, def, help string) *Value[*regexp.Regexp] {
	return newValue(name, "regexp", def, help, func(s string) (*regexp.Regexp, error) {
		if s == "" {
			return nil, nil
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a regexp: %v", s, err)
		}
		return re, nil
	})
}

// NewMap declares a map parameter: comma-separated key:value pairs
// ("free:10,pro:100"), as backendjs's map parameters.
func NewMap(name, def, help string) *Value[map[string]string] {
	return newValue(name, "map", def, help, func(s string) (map[string]string, error) {
		out := map[string]string{}
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			k, v, ok := strings.Cut(p, ":")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, fmt.Errorf("%q is not a key:value pair", p)
			}
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		return out, nil
	})
}
