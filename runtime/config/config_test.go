package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testSet() (*Set, *string, *int, *bool, *time.Duration) {
	s := New()
	var str string
	var n int
	var b bool
	var d time.Duration
	s.String(&str, "db-pool", "sqlite", "pool")
	s.Int(&n, "port", 8000, "port")
	s.Bool(&b, "db-create-tables", false, "create")
	s.Duration(&d, "timeout", time.Second, "timeout")
	return s, &str, &n, &b, &d
}

func TestPrecedence(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "etc"), 0o755)
	os.WriteFile(filepath.Join(home, "etc", "config"), []byte("# comment\nport=9000\ndb-pool=pgsql\ntimeout=250\nbroken line\nport=abc\nnope=1\n"), 0o644)
	os.WriteFile(filepath.Join(home, "etc", "config.local"), []byte("port=9001\n"), 0o644)
	s, pool, port, create, timeout := testSet()
	rest, problems, err := s.Load(home, []string{"BK_PORT=9002", "BK_DB_CREATE_TABLES=1"}, []string{"-port", "9003", "-db-pool=dynamodb", "web", "-x"})
	if err != nil {
		t.Fatal(err)
	}
	if *port != 9003 || *pool != "dynamodb" || !*create || *timeout != 250*time.Millisecond {
		t.Fatalf("port %d pool %s create %v timeout %v", *port, *pool, *create, *timeout)
	}
	if strings.Join(rest, " ") != "web -x" {
		t.Fatalf("rest %v", rest)
	}
	if len(problems) != 3 || !strings.Contains(problems[0].Error(), "config:5") || !strings.Contains(problems[2].Error(), `unknown parameter "nope"`) {
		t.Fatalf("problems %v", problems)
	}
	if s.Lookup("port").Source != "flag" || s.Lookup("timeout").Source != filepath.Join(home, "etc", "config") {
		t.Fatal("sources not recorded")
	}
}

func TestFlagErrors(t *testing.T) {
	s, _, _, create, _ := testSet()
	_, _, err := s.Load(t.TempDir(), nil, []string{"-db-pol", "x"})
	if err == nil || !strings.Contains(err.Error(), `did you mean "db-pool"`) {
		t.Fatalf("err = %v", err)
	}
	_, _, err = s.Load(t.TempDir(), nil, []string{"-port", "x"})
	if err == nil || !strings.Contains(err.Error(), "not an integer") {
		t.Fatalf("err = %v", err)
	}
	rest, _, err := s.Load(t.TempDir(), nil, []string{"-db-create-tables", "web"})
	if err != nil || !*create || rest[0] != "web" {
		t.Fatalf("bool flag: %v %v %v", err, *create, rest)
	}
	if _, _, err := s.Load(t.TempDir(), nil, []string{"-help"}); !errors.Is(err, ErrHelp) {
		t.Fatal(err)
	}
}

func TestHelpListsEveryParameter(t *testing.T) {
	s, _, _, _, _ := testSet()
	s.Live("timeout")
	var b strings.Builder
	s.Help(&b)
	for _, n := range []string{"-db-pool string", "-port int", "(default 8000; env BK_PORT; a change needs a restart)", "-timeout duration", "env BK_TIMEOUT; a change in etc/config applies live"} {
		if !strings.Contains(b.String(), n) {
			t.Fatalf("help lacks %q:\n%s", n, b.String())
		}
	}
}

// FuzzConfigFile: any file content is applied or reported, never a panic.
func FuzzConfigFile(f *testing.F) {
	f.Add("port=1\ndb-pool=x\n")
	f.Add("=\n==\n# x\nport\n")
	f.Fuzz(func(t *testing.T, content string) {
		home := t.TempDir()
		os.MkdirAll(filepath.Join(home, "etc"), 0o755)
		os.WriteFile(filepath.Join(home, "etc", "config"), []byte(content), 0o644)
		s, _, _, _, _ := testSet()
		s.Load(home, nil, nil)
	})
}

func TestPrefix(t *testing.T) {
	s := New()
	got := map[string][]string{}
	s.Prefix("api-allow-account-", "paths", func(suffix, v string) error { got[suffix] = append(got[suffix], v); return nil })
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "etc"), 0o755)
	os.WriteFile(filepath.Join(home, "etc", "config"), []byte("api-allow-account-editor=^/photo/\n"), 0o644)
	rest, problems, err := s.Load(home, []string{"BK_API_ALLOW_ACCOUNT_STAFF=^/note/"}, []string{"-api-allow-account-editor", "^/album/", "web"})
	if err != nil || len(problems) > 0 || rest[0] != "web" {
		t.Fatal(err, problems, rest)
	}
	if strings.Join(got["editor"], " ") != "^/photo/ ^/album/" || got["staff"][0] != "^/note/" {
		t.Fatalf("%v", got)
	}
}

func TestValuesRecordWhatWasSet(t *testing.T) {
	s := New()
	var port int
	var paths []string
	s.Int(&port, "port", 8000, "port")
	s.List(&paths, "allow", "paths")
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, "etc"), 0o755)
	os.WriteFile(filepath.Join(home, "etc", "config"), []byte("port=9000\nallow=^/a\nallow=^/b\n"), 0o644)
	if _, _, err := s.Load(home, nil, []string{"-allow", "^/c"}); err != nil {
		t.Fatal(err)
	}
	v := s.Values()
	if v["port"] != "9000" || v["allow"] != "^/a\n^/b\n^/c" {
		t.Fatalf("values: %q", v)
	}
}

func TestNearest(t *testing.T) {
	names := []string{"web", "worker", "master", "monitor", "start", "stop", "shell"}
	for in, want := range map[string]string{"moniter": "monitor", "wrker": "worker", "sta": "start", "shel": "shell"} {
		if got, ok := Nearest(in, names); !ok || got != want {
			t.Errorf("Nearest(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if got, ok := Nearest("database", names); ok {
		t.Errorf("Nearest(database) = %q: nothing is close", got)
	}
}

func TestMasked(t *testing.T) {
	for _, c := range []struct{ name, value, want string }{
		{"api-access-token-secret", "abc", "********"},
		{"files-s3-secret-key", "abc", "********"},
		{"db-pgsql-pool", "postgres://u:pw@h:5432/db", "postgres://u:********@h:5432/db"},
		{"db-pgsql-pool", "postgres://u@h/db", "postgres://u@h/db"},
		{"api-port", "8000", "8000"},
		{"api-access-token-secret", "", ""},
		{"db-mysql-pool-x", "a\nmysql://r:s@h/d", "a\nmysql://r:********@h/d"},
		{"db-pgsql-pool", "postgres://u@h/db?sslmode=disable&password=pw", "postgres://u@h/db?sslmode=disable&password=********"},
		{"db-pgsql-pool", "host=h user=u password=pw dbname=d", "host=h user=u password=******** dbname=d"},
		{"jobs-queue", "redis://:pw@h:6379/0", "redis://:********@h:6379/0"},
		{"files-s3-endpoint", "http://h:9000/?X-Amz-Security-Token=t", "http://h:9000/?X-Amz-Security-Token=********"},
	} {
		if got := Masked(c.name, c.value); got != c.want {
			t.Errorf("Masked(%s, %q) = %q, want %q", c.name, c.value, got, c.want)
		}
	}
}
