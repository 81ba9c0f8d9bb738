// Command load measures bkapp against the hand-written baseline server
// (bench/load/baseline) over HTTP on loopback: get a todo by key, add a
// todo, select a page of 20; open and signed; and GraphQL's get by key and
// page of 20 against REST's. Four servers run on one database: bkapp open (the todo
// routes in -api-allow-path), bkapp signed, the baseline open and the
// baseline with its hand-written signature check. Each measurement of a
// pair runs both sides in turn, the side that goes first alternating, for
// -rounds rounds; the table gives medians of the per-round ratios, so that a
// slow moment of the shared machine costs both sides alike. README.md in
// this directory has the method.
//
//	go run ./bench/load                       # SQLite and PostgreSQL
//	go run ./bench/load -d 5s -rounds 5 -pools sqlite
package main

import (
	"bufio"
	"bytes"
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
)

var (
	dur      = flag.Duration("d", 3*time.Second, "load time of one side of a pair in one round")
	rounds   = flag.Int("rounds", 3, "rounds; the table gives medians of the per-round ratios")
	conc     = flag.Int("c", 32, "concurrent clients")
	pools    = flag.String("pools", "sqlite,pgsql", "databases to run on")
	pgURL    = flag.String("pgsql", envOr("BK_TEST_PGSQL", "postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL URL")
	seedN    = flag.Int("rows", 10000, "todos in the table before the run")
	only     = flag.String("only", "", "run only the pairs whose name contains this")
	versus   = flag.String("versus", "", "a baseline binary to put in bkapp's place (open pairs only): measures a change to the baseline itself")
	cpuprof  = flag.String("cpuprofile", "", "write bkapp's CPU profile of the last round of each pair to this file (PAIR is replaced by a pair's number)")
	tags     = flag.String("tags", "", "build tags of bkapp: bk_nodynamodb,bk_nos3,bk_noredis leave out the drivers a run does not use (docs/deployment.md)")
	heapprof = flag.String("heapprofile", "", "write the heap profiles of both bkapps at the end of each pool to this file (POOL and SERVER replaced)")
	resident = flag.String("resident", "", "write which pages of each server's executable are in memory at the end of each pool, by package, to this file (POOL and SERVER replaced)")
	workdir  string
	signer   = &sign.Transport{Login: "load", Secret: "load-secret", TTL: 50 * time.Minute}
)

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// op is one kind of request: its paths, used in turn.
type op struct {
	name  string
	paths []string
}

// side is one server under one op; signed sides send a signature made
// before the run (signing in the load generator would charge its HMACs to
// the server, which shares the cores).
type side struct {
	srv    *server
	op     *op
	signed bool
	sigs   []string
}

// pair is one row of the table: a (bkapp) against b (the baseline, or REST).
type pair struct {
	name string
	a, b *side
	res  [][2]result // per round
}

type result struct {
	reqs, errs int64
	rps        float64
	p50, p99   time.Duration
	// cpu is the server's CPU time (user and system) per request: what a
	// request costs it, which the load generator's share of the cores moves
	// less than it moves the rate
	cpu time.Duration
}

func main() {
	flag.Parse()
	var err error
	workdir, err = os.MkdirTemp("", "bkload")
	check(err)
	defer os.RemoveAll(workdir)
	build("bkapp", "github.com/bkgen/bkgen/cmd/bkapp", *tags)
	build("baseline", "github.com/bkgen/bkgen/bench/load/baseline", "")
	fmt.Printf("load: %d clients, %s a side, %d rounds, %d rows, loopback; ratios are medians of rounds (min–max)\n\n", *conc, *dur, *rounds, *seedN)
	var tables, mem []string
	for _, pool := range strings.Split(*pools, ",") {
		t, m := runPool(pool)
		tables = append(tables, t...)
		mem = append(mem, m...)
	}
	fmt.Printf("| pool | operation | bkapp req/s | baseline req/s | ratio | p99 bkapp / baseline | p99 ratio | CPU per request bkapp / baseline | CPU ratio |\n|---|---|---|---|---|---|---|---|---|\n%s\n\n", strings.Join(tables, "\n"))
	fmt.Printf("| pool | servers | bkapp peak RSS | baseline peak RSS | ratio | anonymous RSS bkapp / baseline |\n|---|---|---|---|---|---|\n%s\n", strings.Join(mem, "\n"))
}

func runPool(pool string) (table, mem []string) {
	home := filepath.Join(workdir, pool)
	check(os.MkdirAll(home, 0o755))
	appArgs := []string{"-home", home, "-api-bind", "127.0.0.1", "-api-port", "0", "-debug-pprof", "127.0.0.1:0"}
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
	default:
		check(fmt.Errorf("pool %q: sqlite or pgsql", pool))
	}
	// bkapp creates the tables and the account; the open bkapp the rows
	shell := exec.Command(filepath.Join(workdir, "bkapp"), append(append([]string{}, appArgs...), "shell", "account-add", "-login", signer.Login, "-secret", signer.Secret)...)
	shell.Stderr = os.Stderr
	check(shell.Run())
	appOpen := startServer("bkapp", append(append([]string{}, appArgs...), "-api-allow-path", "^/todo/(get|add|select)$")...)
	defer appOpen.stop()
	// its own home (one bkapp per home), the same database
	signedArgs := append([]string{}, appArgs...)
	signedArgs[1] = filepath.Join(workdir, pool+"-signed")
	if pool == "sqlite" {
		signedArgs = append(signedArgs, "-db-sqlite-pool", filepath.Join(home, "var", "default.db"))
	}
	appSigned := startServer("bkapp", signedArgs...)
	defer appSigned.stop()
	baseOpen := startServer("baseline", baseArgs...)
	defer baseOpen.stop()
	baseSigned := startServer("baseline", append(append([]string{}, baseArgs...), "-signed")...)
	defer baseSigned.stop()
	if *versus != "" {
		appOpen = startServerAt(*versus, baseArgs...)
		defer appOpen.stop()
	}

	keys := seed(appOpen.base)
	get := &op{name: "get by key"}
	add := &op{name: "insert"}
	sel := &op{name: "select 20 (keyset)"}
	gqlVar := &op{name: "GraphQL get, variables"}
	gqlLit := &op{name: "GraphQL get, literal"}
	const gqlFields = `{ id name descr due done mtime }`
	for i, k := range keys {
		get.paths = append(get.paths, "/todo/get?id="+k)
		add.paths = append(add.paths, fmt.Sprintf("/todo/add?name=load%d&descr=x", i))
		gqlVar.paths = append(gqlVar.paths, "/graphql?query="+url.QueryEscape(`query($id: String!) { todo(id: $id) `+gqlFields+` }`)+
			"&variables="+url.QueryEscape(`{"id":"`+k+`"}`))
		gqlLit.paths = append(gqlLit.paths, "/graphql?query="+url.QueryEscape(`{ todo(id: "`+k+`") `+gqlFields+` }`))
	}
	sel.paths = []string{"/todo/select?_count=20"}
	// the same page through gqlgen's executor (the fast path serves gets only)
	gqlSel := &op{name: "GraphQL select 20", paths: []string{"/graphql?query=" + url.QueryEscape(`{ todos(first: 20) { nodes `+gqlFields+` endCursor hasNextPage } }`)}}
	open := func(s *server, o *op) *side { return &side{srv: s, op: o} }
	signed := func(s *server, o *op) *side { return &side{srv: s, op: o, signed: true} }
	restSigned := signed(appSigned, get)
	pairs := []*pair{
		{name: "get by key", a: open(appOpen, get), b: open(baseOpen, get)},
		{name: "insert", a: open(appOpen, add), b: open(baseOpen, add)},
		{name: "select 20 (keyset)", a: open(appOpen, sel), b: open(baseOpen, sel)},
	}
	if *versus == "" {
		pairs = append(pairs,
			&pair{name: "get by key, signed", a: restSigned, b: signed(baseSigned, get)},
			&pair{name: "insert, signed", a: signed(appSigned, add), b: signed(baseSigned, add)},
			&pair{name: "select 20, signed", a: signed(appSigned, sel), b: signed(baseSigned, sel)},
			&pair{name: "GraphQL ÷ REST get, signed, variables", a: signed(appSigned, gqlVar), b: restSigned},
			&pair{name: "GraphQL ÷ REST get, signed, literal id", a: signed(appSigned, gqlLit), b: restSigned},
			&pair{name: "GraphQL ÷ REST select 20, signed", a: signed(appSigned, gqlSel), b: signed(appSigned, sel)},
		)
	}
	var run []*pair
	for _, p := range pairs {
		if strings.Contains(p.name, *only) {
			run = append(run, p)
		}
	}
	for _, p := range run {
		for _, s := range []*side{p.a, p.b} {
			if s.signed && s.sigs == nil {
				for _, path := range s.op.paths {
					req, _ := http.NewRequest("GET", s.srv.base+path, nil)
					s.sigs = append(s.sigs, signer.Signature(req, nil).String())
				}
			}
			s.load(time.Second) // warm connections, caches and statements
		}
	}
	for r := 0; r < *rounds; r++ {
		for pi, p := range run {
			first, second := p.a, p.b
			if r%2 == 1 {
				first, second = p.b, p.a
			}
			// The profile covers bkapp's side (p.a), whichever goes first.
			load := func(s *side) result {
				if *cpuprof != "" && r == *rounds-1 && s == p.a {
					defer s.srv.profile(strings.ReplaceAll(*cpuprof, "PAIR", fmt.Sprint(pi)), *dur)()
				}
				return s.load(*dur)
			}
			r1 := load(first)
			r2 := load(second)
			if first != p.a {
				r1, r2 = r2, r1
			}
			p.res = append(p.res, [2]result{r1, r2})
		}
	}
	for _, p := range run {
		table = append(table, p.row(pool))
	}
	if *heapprof != "" {
		for name, s := range map[string]*server{"open": appOpen, "signed": appSigned} {
			s.fetch("/debug/pprof/heap?debug=1", strings.NewReplacer("POOL", pool, "SERVER", name).Replace(*heapprof))
		}
	}
	if *resident != "" {
		for name, s := range map[string]*server{"open": appOpen, "signed": appSigned, "baseline": baseOpen} {
			s.writeResident(strings.NewReplacer("POOL", pool, "SERVER", name).Replace(*resident))
		}
	}
	ra, rb := appOpen.status("VmHWM:"), baseOpen.status("VmHWM:")
	aa, ab := appOpen.status("RssAnon:"), baseOpen.status("RssAnon:")
	mem = append(mem, fmt.Sprintf("| %s | open | %.1f MB | %.1f MB | %.2f× | %.1f / %.1f MB (%.2f×) |", pool, mb(ra), mb(rb), float64(ra)/float64(rb), mb(aa), mb(ab), float64(aa)/float64(ab)))
	if *versus == "" {
		ra, rb = appSigned.status("VmHWM:"), baseSigned.status("VmHWM:")
		aa, ab = appSigned.status("RssAnon:"), baseSigned.status("RssAnon:")
		mem = append(mem, fmt.Sprintf("| %s | signed (bkapp's with GraphQL too) | %.1f MB | %.1f MB | %.2f× | %.1f / %.1f MB (%.2f×) |", pool, mb(ra), mb(rb), float64(ra)/float64(rb), mb(aa), mb(ab), float64(aa)/float64(ab)))
	}
	return table, mem
}

// row formats a pair's medians.
func (p *pair) row(pool string) string {
	var rps, p99, cpu []float64
	var ra, rb, pa, pb, ca, cb []float64
	var errs [2]int64
	for _, r := range p.res {
		rps = append(rps, r[0].rps/r[1].rps)
		p99 = append(p99, float64(r[0].p99)/float64(r[1].p99))
		ra, rb = append(ra, r[0].rps), append(rb, r[1].rps)
		pa, pb = append(pa, float64(r[0].p99)), append(pb, float64(r[1].p99))
		cpu = append(cpu, float64(r[0].cpu)/float64(r[1].cpu))
		ca, cb = append(ca, float64(r[0].cpu)), append(cb, float64(r[1].cpu))
		errs[0] += r[0].errs
		errs[1] += r[1].errs
	}
	s := fmt.Sprintf("| %s | %s | %.0f | %.0f | %.2f× (%.2f–%.2f) | %s / %s | %.2f× | %.0f / %.0f µs | %.2f× |", pool, p.name, median(ra), median(rb),
		median(rps), min(rps), max(rps), ms(median(pa)), ms(median(pb)), median(p99), median(ca)/1e3, median(cb)/1e3, median(cpu))
	if errs[0]+errs[1] > 0 {
		s += fmt.Sprintf("\n| %s | ↑ failed requests | %d | %d | | | | | |", pool, errs[0], errs[1])
	}
	return s
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func min(v []float64) float64 { s := append([]float64(nil), v...); sort.Float64s(s); return s[0] }
func max(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)-1]
}

func ms(ns float64) string { return fmt.Sprintf("%.2f ms", ns/1e6) }
func mb(kb int64) float64  { return float64(kb) / 1024 }

// started are the servers running, killed when the run fails.
var started []*server

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		for _, s := range started {
			s.cmd.Process.Kill()
		}
		os.Exit(1)
	}
}

func build(name, pkg, tags string) {
	cmd := exec.Command("go", "build", "-tags", tags, "-o", filepath.Join(workdir, name), pkg)
	cmd.Stderr = os.Stderr
	check(cmd.Run())
}

func psql(sql string) {
	cmd := exec.Command("psql", *pgURL, "-qc", "SET client_min_messages = warning; "+sql)
	cmd.Stderr = os.Stderr
	check(cmd.Run())
}

type server struct {
	cmd   *exec.Cmd
	base  string
	pprof string // bkapp's -debug-pprof address
}

var (
	listening      = regexp.MustCompile(`msg=listening addr=(\S+)`)
	pprofListening = regexp.MustCompile(`msg="pprof listening" addr=(\S+)`)
)

func startServer(name string, args ...string) *server {
	return startServerAt(filepath.Join(workdir, name), args...)
}

func startServerAt(bin string, args ...string) *server {
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	check(err)
	check(cmd.Start())
	sc := bufio.NewScanner(stderr)
	deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	var pprof string
	for sc.Scan() {
		if m := pprofListening.FindStringSubmatch(sc.Text()); m != nil {
			pprof = m[1]
		}
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stderr)
			s := &server{cmd: cmd, base: "http://" + m[1], pprof: pprof}
			started = append(started, s)
			return s
		}
	}
	check(fmt.Errorf("%s did not start", bin))
	return nil
}

// status reads one KB field of /proc/PID/status: VmHWM (peak RSS), RssAnon
// (heap and stacks, without the pages of the mapped executable).
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

// cpu is the CPU time the server has used (utime and stime of
// /proc/PID/stat, in clock ticks of 10 ms: a 5 s side at one core is 500).
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// the fields after the command's name, which is in parentheses and may
	// hold spaces: state is field 3, utime 14 and stime 15
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// profile starts a CPU profile of a bkapp (its -debug-pprof) for d and
// returns a function that waits for it and writes it to file.
func (s *server) profile(file string, d time.Duration) func() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.fetch(fmt.Sprintf("/debug/pprof/profile?seconds=%d", int(d.Seconds())), file)
	}()
	return func() { <-done }
}

// fetch writes what the server's -debug-pprof answers at path to file
// (nothing for the baseline, which has none).
func (s *server) fetch(path, file string) {
	if s.pprof == "" {
		return
	}
	res, err := http.Get("http://" + s.pprof + path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		return
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		fmt.Fprintln(os.Stderr, "load:", path, res.Status)
	}
	f, err := os.Create(file)
	check(err)
	io.Copy(f, res.Body)
	check(f.Close())
}

// stop ends the server.
func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
	}
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}, Timeout: 10 * time.Second}

func seed(base string) []string {
	keys := make([]string, 0, *seedN)
	for i := 0; i < *seedN; i++ {
		res, err := client.Get(fmt.Sprintf("%s/todo/add?name=seed%d&descr=some+description", base, i))
		check(err)
		var row struct{ ID string }
		check(json.NewDecoder(res.Body).Decode(&row))
		res.Body.Close()
		keys = append(keys, row.ID)
	}
	return keys
}

// load runs conc clients against the side for d; the loop is bounded by
// time and each request by the client timeout.
func (s *side) load(d time.Duration) result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n, errs atomic.Int64
	lat := make([][]time.Duration, *conc)
	var wg sync.WaitGroup
	cpu0 := s.srv.cpu()
	start := time.Now()
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil {
				i := n.Add(1) % int64(len(s.op.paths))
				t0 := time.Now()
				req, _ := http.NewRequest("GET", s.srv.base+s.op.paths[i], nil)
				if s.signed {
					req.Header.Set(sign.HeaderName, s.sigs[i])
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
	cpu := s.srv.cpu() - cpu0
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	r := result{reqs: int64(len(all)), errs: errs.Load(), rps: float64(len(all)) / elapsed.Seconds()}
	if len(all) > 0 {
		r.p50, r.p99 = all[len(all)/2], all[len(all)*99/100]
		r.cpu = cpu / time.Duration(len(all))
	}
	return r
}
