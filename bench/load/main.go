// Command load runs bkapp and the hand-written baseline server, one after
// the other, on the same database, and loads each with the same requests
// from a bounded pool of loopback clients: get a todo by key, add a todo,
// select 20 todos. It prints req/s, p50/p99 latency and peak RSS of both and
// their ratios.
//
//	go run ./bench/load                 # SQLite and PostgreSQL, 5 s per operation
//	go run ./bench/load -d 10s -c 32 -pools sqlite
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bkgen/bkgen/runtime/auth"
)

var (
	dur     = flag.Duration("d", 5*time.Second, "load time per operation and server")
	conc    = flag.Int("c", 16, "concurrent clients")
	pools   = flag.String("pools", "sqlite,pgsql", "databases to run on")
	pgURL   = flag.String("pgsql", envOr("BK_TEST_PGSQL", "postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL URL")
	seedN   = flag.Int("rows", 2000, "todos in the table before the run")
	workdir string
)

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

type result struct {
	reqs     int64
	errs     int64
	rps      float64
	p50, p99 time.Duration
}

func main() {
	flag.Parse()
	var err error
	workdir, err = os.MkdirTemp("", "bkload")
	check(err)
	defer os.RemoveAll(workdir)
	build("bkapp", "github.com/bkgen/bkgen/cmd/bkapp")
	build("baseline", "github.com/bkgen/bkgen/bench/load/baseline")

	fmt.Printf("load: %d clients, %s per operation and server, %d rows, loopback\n\n", *conc, *dur, *seedN)
	fmt.Printf("| pool | operation | bkapp req/s | baseline req/s | ratio | bkapp p50 / p99 | baseline p50 / p99 |\n|---|---|---|---|---|---|---|\n")
	var rss []string
	for _, pool := range strings.Split(*pools, ",") {
		home := filepath.Join(workdir, pool)
		os.MkdirAll(home, 0o755)
		// the todo routes open, as the baseline's are; the signed run below
		// measures the signature check
		appArgs := []string{"-home", home, "-api-bind", "127.0.0.1", "-api-port", "0", "-api-allow-path", "^/todo/(get|add|select)$"}
		baseArgs := []string{"-pool", pool}
		switch pool {
		case "sqlite":
			baseArgs = append(baseArgs, "-dsn", filepath.Join(home, "var", "default.db"))
		case "pgsql":
			schema := fmt.Sprintf("bk_load_%d", os.Getpid())
			psql("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema)
			defer psql("DROP SCHEMA IF EXISTS " + schema + " CASCADE")
			url := *pgURL + "&search_path=" + schema
			appArgs = append(appArgs, "-db-pool", "pgsql", "-db-pgsql-pool", url, "-db-create-tables")
			baseArgs = append(baseArgs, "-dsn", url)
		}
		// bkapp creates the tables and the seed rows; both then read them.
		shell := exec.Command(filepath.Join(workdir, "bkapp"), append(append([]string{}, appArgs...), "shell", "account-add", "-login", "load", "-secret", "load-secret")...)
		shell.Stderr = os.Stderr
		check(shell.Run())
		app := startServer("bkapp", appArgs...)
		seed(app.base)
		resA := runOps(app.base)
		rssA, anonA := app.peak(), app.anon() // after the same operations as the baseline's
		// Requests signed before the run (valid for the max age of 1 h): the
		// load generator shares the two cores with the server, and signing
		// there would charge the client's HMACs to the server.
		signer := &auth.Transport{Login: "load", Secret: "load-secret", TTL: 50 * time.Minute}
		signed = make([]string, len(keys))
		for i, k := range keys {
			req, _ := http.NewRequest("GET", app.base+"/todo/get?id="+k, nil)
			signed[i] = signer.Signature(req, nil).String()
		}
		signedPath := func(i int64) string { return "/todo/get?id=" + keys[i%int64(len(keys))] }
		loadFor(app.base, signedPath, time.Second, client)
		resSigned := loadFor(app.base, signedPath, *dur, client)
		// GraphQL: the same get by key, as a GET query (signed likewise)
		gqlPath := func(i int64) string {
			return "/graphql?query=" + url.QueryEscape(`query($id: String!) { todo(id: $id) { id name descr due done mtime } }`) +
				"&variables=" + url.QueryEscape(`{"id":"`+keys[i%int64(len(keys))]+`"}`)
		}
		for i, k := range keys {
			req, _ := http.NewRequest("GET", app.base+gqlPath(int64(i)), nil)
			signed[i] = signer.Signature(req, nil).String()
			_ = k
		}
		loadFor(app.base, gqlPath, time.Second, client)
		resGQL := loadFor(app.base, gqlPath, *dur, client)
		signed = nil
		rssAll := app.stop() // and after the signed and GraphQL runs too
		base := startServer("baseline", baseArgs...)
		resB := runOps(base.base)
		anonB := base.anon()
		rssB := base.stop()
		b := resB[ops[0].name]
		fmt.Printf("| %s | get by key, signed (bkapp) vs unsigned (baseline) | %.0f | %.0f | %.2f× | %s / %s | %s / %s |\n", pool, resSigned.rps, b.rps, resSigned.rps/b.rps, ms(resSigned.p50), ms(resSigned.p99), ms(b.p50), ms(b.p99))
		fmt.Printf("| %s | get by key, GraphQL vs REST (both bkapp, signed) | %.0f | %.0f | %.2f× | %s / %s | %s / %s |\n", pool, resGQL.rps, resSigned.rps, resGQL.rps/resSigned.rps, ms(resGQL.p50), ms(resGQL.p99), ms(resSigned.p50), ms(resSigned.p99))
		for _, op := range ops {
			a, b := resA[op.name], resB[op.name]
			fmt.Printf("| %s | %s | %.0f | %.0f | %.2f× | %s / %s | %s / %s |\n", pool, op.name, a.rps, b.rps, a.rps/b.rps, ms(a.p50), ms(a.p99), ms(b.p50), ms(b.p99))
			if a.errs+b.errs > 0 {
				fmt.Printf("|   | errors | %d | %d |  |  |  |\n", a.errs, b.errs)
			}
		}
		rss = append(rss, fmt.Sprintf("| %s | %.1f MB | %.1f MB | %.2f× | %.1f / %.1f MB (%.2f×) | %.1f MB |", pool, float64(rssA)/1024, float64(rssB)/1024, float64(rssA)/float64(rssB),
			float64(anonA)/1024, float64(anonB)/1024, float64(anonA)/float64(anonB), float64(rssAll)/1024))
	}
	fmt.Printf("\n| pool | bkapp peak RSS | baseline peak RSS | ratio | anonymous RSS bkapp / baseline | bkapp peak after signed + GraphQL runs |\n|---|---|---|---|---|---|\n%s\n", strings.Join(rss, "\n"))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func build(name, pkg string) {
	cmd := exec.Command("go", "build", "-o", filepath.Join(workdir, name), pkg)
	cmd.Stderr = os.Stderr
	check(cmd.Run())
}

func psql(sql string) {
	cmd := exec.Command("psql", *pgURL, "-qc", sql)
	cmd.Stderr = os.Stderr
	check(cmd.Run())
}

type server struct {
	cmd  *exec.Cmd
	base string
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

func startServer(name string, args ...string) *server {
	cmd := exec.Command(filepath.Join(workdir, name), args...)
	stderr, err := cmd.StderrPipe()
	check(err)
	check(cmd.Start())
	sc := bufio.NewScanner(stderr)
	deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stderr)
			return &server{cmd: cmd, base: "http://" + m[1]}
		}
	}
	check(fmt.Errorf("%s did not start", name))
	return nil
}

// peak is the server's peak RSS so far, in KB.
func (s *server) peak() int64 { return s.status("VmHWM:") }

// anon is the server's current anonymous (heap, stacks) RSS, in KB: RSS
// without the pages of the mapped executable, which is 55 MB for bkapp
// against 23 MB for the baseline.
func (s *server) anon() int64 { return s.status("RssAnon:") }

// status reads one KB field of /proc/PID/status.
func (s *server) status(field string) int64 {
	var kb int64
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid)); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, field) {
				fmt.Sscan(strings.TrimPrefix(line, field), &kb)
			}
		}
	}
	return kb
}

// stop ends the server and returns its peak RSS in KB.
func (s *server) stop() int64 {
	kb := s.peak()
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
	}
	return kb
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second}

var keys []string

// signed holds a signature per key, for the signed run (nil otherwise).
var signed []string

func seed(base string) {
	keys = keys[:0]
	for i := 0; i < *seedN; i++ {
		res, err := client.Get(fmt.Sprintf("%s/todo/add?name=seed%d&descr=some+description", base, i))
		check(err)
		var row struct{ ID string }
		check(json.NewDecoder(res.Body).Decode(&row))
		res.Body.Close()
		keys = append(keys, row.ID)
	}
}

var ops = []struct {
	name string
	path func(i int64) string
}{
	{"get by key", func(i int64) string { return "/todo/get?id=" + keys[i%int64(len(keys))] }},
	{"insert", func(i int64) string { return fmt.Sprintf("/todo/add?name=load%d&descr=x", i) }},
	{"select 20 rows", func(int64) string { return "/todo/select?_count=20" }},
}

func runOps(base string) map[string]result {
	out := map[string]result{}
	for _, op := range ops {
		// warm up connections and server caches
		loadFor(base, op.path, time.Second, client)
		out[op.name] = loadFor(base, op.path, *dur, client)
	}
	return out
}

// loadFor runs conc clients for d; the loop is bounded by time and each
// request by the client timeout.
func loadFor(base string, path func(int64) string, d time.Duration, client *http.Client) result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n, errs atomic.Int64
	lat := make([][]time.Duration, *conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil {
				i := n.Add(1)
				t0 := time.Now()
				req, _ := http.NewRequest("GET", base+path(i), nil)
				if signed != nil {
					req.Header.Set(auth.HeaderName, signed[i%int64(len(signed))])
				}
				res, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					errs.Add(1)
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	r := result{reqs: int64(len(all)), errs: errs.Load(), rps: float64(len(all)) / elapsed.Seconds()}
	if len(all) > 0 {
		r.p50, r.p99 = all[len(all)/2], all[len(all)*99/100]
	}
	return r
}
