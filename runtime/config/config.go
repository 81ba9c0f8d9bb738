// Package config holds an application's parameters the backendjs way: each
// runtime package declares its parameters once (name, type, default,
// description); values come from, in rising precedence, the defaults,
// HOME/etc/config, HOME/etc/config.local (name=value lines), the
// environment (BK_NAME with dashes as underscores) and the command line
// (-name value, -name=value, or -name alone for a bool).
package config

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Param is one declared parameter.
type Param struct {
	Name    string
	Type    string // string, int, bool, duration, size
	Default string
	Help    string
	Source  string // where the value came from: default, a file, env, flag
	Live    bool   // a change in the config files applies without a restart
	Value   string // the last value set, as written (lists: joined by newlines)
	set     func(string) error
}

// Set is the parameters of an application.
type Set struct {
	params   map[string]*Param
	prefixes []*prefixParam
}

// prefixParam is a family of parameters named prefix+SUFFIX, like
// backendjs's api-allow-account-TYPE.
type prefixParam struct {
	prefix, help string
	live         bool
	set          func(suffix, value string) error
}

// New returns an empty set.
func New() *Set { return &Set{params: map[string]*Param{}} }

// Prefix declares a family of parameters whose names start with prefix;
// set gets the rest of the name (SUFFIX in -prefixSUFFIX) and the value.
func (s *Set) Prefix(prefix, help string, set func(suffix, value string) error) {
	s.prefixes = append(s.prefixes, &prefixParam{prefix: prefix, help: help, set: set})
}

// apply sets a parameter by name, a declared one or one of a prefix family.
func (s *Set) apply(name, value, source string) (bool, error) {
	if p := s.params[name]; p != nil {
		if err := p.set(value); err != nil {
			return true, err
		}
		p.Source = source
		p.record(value)
		return true, nil
	}
	for _, f := range s.prefixes {
		if suffix, ok := strings.CutPrefix(name, f.prefix); ok && suffix != "" {
			return true, f.set(suffix, value)
		}
	}
	return false, nil
}

func (s *Set) add(name, typ, def, help string, set func(string) error) {
	if _, dup := s.params[name]; dup {
		panic("config: parameter declared twice: " + name)
	}
	p := &Param{Name: name, Type: typ, Default: def, Help: help, Source: "default", set: set}
	s.params[name] = p
	if err := set(def); err != nil {
		panic(fmt.Sprintf("config: default of %s: %v", name, err))
	}
}

// String declares a string parameter.
func (s *Set) String(p *string, name, def, help string) {
	s.add(name, "string", def, help, func(v string) error { *p = v; return nil })
}

// Int declares an integer parameter.
func (s *Set) Int(p *int, name string, def int, help string) {
	s.add(name, "int", strconv.Itoa(def), help, func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not an integer", v)
		}
		*p = n
		return nil
	})
}

// Bool declares a boolean parameter; on the command line -name alone is true.
func (s *Set) Bool(p *bool, name string, def bool, help string) {
	s.add(name, "bool", strconv.FormatBool(def), help, func(v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "true", "yes", "on", "t":
			*p = true
		case "0", "false", "no", "off", "f", "":
			*p = false
		default:
			return fmt.Errorf("%q is not a boolean", v)
		}
		return nil
	})
}

// Duration declares a duration parameter: Go syntax (1m30s) or plain ms.
func (s *Set) Duration(p *time.Duration, name string, def time.Duration, help string) {
	s.add(name, "duration", def.String(), help, func(v string) error {
		v = strings.TrimSpace(v)
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			*p = time.Duration(ms) * time.Millisecond
			return nil
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%q is not a duration (1m30s, or ms)", v)
		}
		*p = d
		return nil
	})
}

// Size declares a byte size: 1048576, 512K, 10M, 1G.
func (s *Set) Size(p *int64, name string, def int64, help string) {
	s.add(name, "size", strconv.FormatInt(def, 10), help, func(v string) error {
		v = strings.TrimSpace(strings.ToUpper(v))
		mult := int64(1)
		for suffix, m := range map[string]int64{"K": 1 << 10, "M": 1 << 20, "G": 1 << 30} {
			if strings.HasSuffix(v, suffix) {
				mult, v = m, strings.TrimSuffix(v, suffix)
			}
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a size (bytes, or with K, M, G)", v)
		}
		*p = n * mult
		return nil
	})
}

// List declares a list parameter: each value given adds to the list
// (backendjs's regexpobj parameters); commas do not split, since values are
// often regexps.
func (s *Set) List(p *[]string, name, help string) {
	s.add(name, "list", "", help, func(v string) error {
		if v != "" {
			*p = append(*p, v)
		}
		return nil
	})
}

func (p *Param) record(v string) {
	if p.Type == "list" && v != "" && p.Source != "default" && p.Value != "" {
		p.Value += "\n" + v
		return
	}
	p.Value = v
}

// Live marks parameters (or prefix families, by their prefix) whose change
// in the config files applies to a running process; -help says so, and
// says that the others need a restart.
func (s *Set) Live(names ...string) {
	for _, n := range names {
		if p := s.params[n]; p != nil {
			p.Live = true
			continue
		}
		found := false
		for _, f := range s.prefixes {
			if f.prefix == n {
				f.live, found = true, true
			}
		}
		if !found {
			panic("config: Live of an undeclared parameter: " + n)
		}
	}
}

// Values returns the current value of every parameter, as written.
func (s *Set) Values() map[string]string {
	out := make(map[string]string, len(s.params))
	for n, p := range s.params {
		out[n] = p.Value
	}
	return out
}

// Files are the config files of a home, in load order.
func Files(home string) []string {
	return []string{filepath.Join(home, "etc", "config"), filepath.Join(home, "etc", "config.local")}
}

// Lookup returns the parameter with that name, or nil.
func (s *Set) Lookup(name string) *Param { return s.params[name] }

// EnvName is the environment variable of a parameter: BK_DB_POOL for db-pool.
func EnvName(name string) string {
	return "BK_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(name))
}

// Problem is a line that could not be applied; the rest still is.
type Problem struct {
	Where string // file:line, env NAME, or flag
	Err   error
}

func (p Problem) Error() string { return p.Where + ": " + p.Err.Error() }

// Load applies files, environment and flags, in rising precedence, and
// returns the arguments left after the flags (the role and its arguments).
// Bad lines in files are returned as problems and skipped; a bad flag is an
// error, since the command line is typed by a person who can fix it now.
func (s *Set) Load(home string, environ []string, args []string) (rest []string, problems []Problem, err error) {
	for _, f := range Files(home) {
		problems = append(problems, s.loadFile(f)...)
	}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, "BK_") {
			continue
		}
		for name, p := range s.params {
			if EnvName(name) == k {
				if err := p.set(v); err != nil {
					problems = append(problems, Problem{"env " + k, err})
				} else {
					p.Source = "env"
					p.record(v)
				}
			}
		}
		for _, f := range s.prefixes {
			if suffix, ok := strings.CutPrefix(k, EnvName(f.prefix)); ok && suffix != "" {
				if err := f.set(strings.ToLower(strings.ReplaceAll(suffix, "_", "-")), v); err != nil {
					problems = append(problems, Problem{"env " + k, err})
				}
			}
		}
	}
	rest, err = s.parseFlags(args)
	return rest, problems, err
}

func (s *Set) loadFile(path string) []Problem {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return []Problem{{path, err}}
	}
	defer f.Close()
	var problems []Problem
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, n)
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			problems = append(problems, Problem{where, fmt.Errorf("want name=value, got %q", line)})
			continue
		}
		k = strings.TrimPrefix(strings.TrimSpace(k), "-")
		known, err := s.apply(k, strings.TrimSpace(v), path)
		if !known {
			problems = append(problems, Problem{where, s.unknown(k)})
		} else if err != nil {
			problems = append(problems, Problem{where, fmt.Errorf("%s: %w", k, err)})
		}
	}
	return problems
}

// parseFlags reads -name value pairs up to the first argument that is not a
// flag.
func (s *Set) parseFlags(args []string) ([]string, error) {
	for i := 0; i < len(args); {
		a := args[i]
		if a == "--" {
			return args[i+1:], nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			return args[i:], nil
		}
		n, err := s.ParseFlag(args[i:])
		if err != nil {
			return nil, err
		}
		i += n
	}
	return nil, nil
}

// ParseFlag applies the one -name [value] flag that args starts with and
// returns how many arguments it took (1 or 2). An unknown name is an error
// naming the nearest parameter (see IsUnknown).
func (s *Set) ParseFlag(args []string) (int, error) {
	name := strings.TrimLeft(args[0], "-")
	val, hasVal := "", false
	if k, v, ok := strings.Cut(name, "="); ok {
		name, val, hasVal = k, v, true
	}
	if name == "help" || name == "h" {
		return 0, ErrHelp
	}
	took := 1
	p := s.params[name]
	if p == nil {
		if !hasVal && len(args) > 1 {
			val = args[1]
		}
		if known, err := s.apply(name, val, "flag"); known {
			if err != nil {
				return 0, fmt.Errorf("-%s: %w", name, err)
			}
			if !hasVal {
				took++
			}
			return took, nil
		}
		return 0, s.unknown(name)
	}
	if !hasVal {
		if p.Type == "bool" && (len(args) < 2 || !isBool(args[1])) {
			val = "true"
		} else if len(args) > 1 {
			took++
			val = args[1]
		} else {
			return 0, fmt.Errorf("-%s needs a value (%s)", name, p.Type)
		}
	}
	if err := p.set(val); err != nil {
		return 0, fmt.Errorf("-%s: %w", name, err)
	}
	p.Source = "flag"
	p.record(val)
	return took, nil
}

// ParseFlags applies more -name value flags (those after a command word,
// say) with the precedence of flags; it returns what follows the first
// argument that is not a flag.
func (s *Set) ParseFlags(args []string) ([]string, error) { return s.parseFlags(args) }

func isBool(v string) bool {
	switch strings.ToLower(v) {
	case "true", "false", "1", "0", "yes", "no", "on", "off":
		return true
	}
	return false
}

// ErrHelp is returned for -help.
var ErrHelp = fmt.Errorf("help requested")

// UnknownError is a parameter name that nothing declares.
type UnknownError struct {
	Name    string
	Nearest string // the closest declared name, "" when none is close
}

func (e *UnknownError) Error() string {
	if e.Nearest != "" {
		return fmt.Sprintf("unknown parameter %q; did you mean %q?", e.Name, e.Nearest)
	}
	return fmt.Sprintf("unknown parameter %q (see -help)", e.Name)
}

// Names lists the declared parameter names, sorted.
func (s *Set) Names() []string {
	names := make([]string, 0, len(s.params))
	for n := range s.params {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// unknown reports an unknown parameter with the nearest known name.
func (s *Set) unknown(name string) error {
	best, _ := Nearest(name, s.Names())
	return &UnknownError{Name: name, Nearest: best}
}

// Nearest returns the candidate closest to name (fewest edits, then first
// in order), when it is close enough to be a likely typo: within
// max(2, len(name)/3) edits, or name is a prefix of it.
func Nearest(name string, candidates []string) (string, bool) {
	best, dist := "", 1<<30
	for _, n := range candidates {
		if d := Distance(name, n); d < dist || (d == dist && n < best) {
			best, dist = n, d
		}
	}
	if best == "" {
		return "", false
	}
	if dist <= max(2, len(name)/3) {
		return best, true
	}
	for _, n := range candidates {
		if name != "" && strings.HasPrefix(n, name) {
			return n, true
		}
	}
	return "", false
}

// WatchFiles calls changed each time the files (as files returns them, so
// that a file that appears counts) differ from the last look, checked every
// interval, until ctx ends.
func WatchFiles(ctx context.Context, files func() []string, interval time.Duration, changed func()) {
	last := Stamp(files())
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s := Stamp(files()); s != last {
			last = s
			changed()
		}
	}
}

// Stamp sums up the sizes and modification times of files (missing ones
// count as absent), to tell when one of them changed.
func Stamp(files []string) string {
	var b strings.Builder
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			fmt.Fprintf(&b, "%s:%d:%d;", f, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return b.String()
}

// Distance is the Levenshtein distance between a and b, for "did you mean"
// suggestions about parameter names.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Help writes every parameter with its type, default and description.
func (s *Set) Help(w io.Writer) {
	for _, n := range slices.Sorted(maps.Keys(s.params)) {
		p := s.params[n]
		def := p.Default
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  -%s %s\n      %s (default %s; env %s; %s)\n", n, p.Type, p.Help, def, EnvName(n), liveText(p.Live))
	}
	for _, f := range s.prefixes {
		fmt.Fprintf(w, "  -%sNAME list\n      %s (env %sNAME; %s)\n", f.prefix, f.help, EnvName(f.prefix), liveText(f.live))
	}
}

func liveText(live bool) string {
	if live {
		return "a change in etc/config applies live"
	}
	return "a change needs a restart"
}

// secretWords mark a parameter whose value is a secret by its name.
var secretWords = []string{"secret", "password", "passwd", "-key", "token"}

// IsSecret reports a parameter whose value must not be shown: its name
// says secret, password or key.
func IsSecret(name string) bool {
	for _, w := range secretWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// Masked is a value as it may be shown (the admin console): a secret's is
// "********" when set; in any other value (a DSN, every line of a list) the
// password of a URL's user and the values of password, secret, token and key
// settings, as query parameters or as keyword=value fields, are replaced.
func Masked(name, value string) string {
	if value == "" {
		return ""
	}
	if IsSecret(name) {
		return "********"
	}
	value = userPassword.ReplaceAllString(value, "${1}********@")
	return secretSetting.ReplaceAllString(value, "${1}=********")
}

var (
	// the password of scheme://user:password@host
	userPassword = regexp.MustCompile(`(://[^/@:\s]*:)[^@/\s]*@`)
	// password=… in a query or a keyword DSN (host=h password=p)
	secretSetting = regexp.MustCompile(`(?i)\b(password|passwd|pwd|sslpassword|secret|[a-z_]*token|[a-z_]*key)=[^&\s]*`)
)

// Params returns the declared parameters, sorted by name.
func (s *Set) Params() []*Param {
	out := make([]*Param, 0, len(s.params))
	for _, n := range s.Names() {
		if p := s.params[n]; p != nil {
			out = append(out, p)
		}
	}
	return out
}
