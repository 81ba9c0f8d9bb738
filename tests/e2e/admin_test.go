package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// artifacts is where the browser tests keep their screenshots:
// BK_ARTIFACTS, or tests/e2e/artifacts in the checkout (ignored by git, kept
// after the run for CI to collect).
func artifacts(t *testing.T, name string) string {
	dir := os.Getenv("BK_ARTIFACTS")
	if dir == "" {
		dir = "artifacts"
	}
	dir = filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browse starts headless Chromium for chromedp, stopped when the test ends;
// its context ends after budget.
func browse(t *testing.T, browser string, budget time.Duration) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900), chromedp.Env("HOME="+t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(ctx, budget)
	t.Cleanup(func() { cancel(); cancelB(); cancelA() })
	return ctx
}

// TestAdminConsole drives /admin/ in headless Chromium as an operator
// would: a plain account is refused; the admin logs in, finds a row by a
// condition and edits it (seen through the API), sees the API's refusal
// beside the field, submits a job and sees it succeed, watches the request
// rate chart move under load, reads the configuration with its secrets
// masked and runs a query in GraphiQL. A screenshot of each page is kept.
func TestAdminConsole(t *testing.T) {
	browser := chromium(t)
	const tokenSecret = "console-token-secret-value"
	s := start(t, "-home", t.TempDir(), "-admin-sample-interval", "250ms", "-log-access", "stderr", "-api-access-token-secret", tokenSecret)
	plain, _ := addAccount(t, s, "plain")
	for _, path := range []string{"/system/config/get", "/system/metrics/history", "/system/jobs/get"} {
		if r := plain.get(path, nil); r.status != 401 {
			t.Fatalf("a plain account's %s: %d, want 401 (the console's data is for admins)", path, r.status)
		}
	}
	want(t, s.postJSON("/todo/add", map[string]any{"id": "console-1", "name": "find me"}), 200)
	want(t, s.postJSON("/todo/add", map[string]any{"id": "console-2", "name": "not me"}), 200)
	album := s.postJSON("/album/add", map[string]any{"title": "an album", "owner_id": "x"})
	want(t, album, 200)
	want(t, s.postJSON("/meter/add", map[string]any{"id": "console-meter"}), 200)

	// the page's own headers: scripts of this origin only
	res, err := http.Get(s.base + "/admin/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); res.StatusCode != 200 || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") {
		t.Fatalf("/admin/: %d, CSP %q", res.StatusCode, csp)
	}

	ctx := browse(t, browser, 3*time.Minute)
	shots := artifacts(t, "admin")
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var buf []byte
			if err := chromedp.FullScreenshot(&buf, 100).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644)
		})
	}
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			var html string
			chromedp.Run(ctx, chromedp.OuterHTML("main", &html, chromedp.ByQuery))
			t.Fatalf("%s: %v\n%s", what, err, html)
		}
	}
	// fill sets the value of the element sel as a user's edit would (with
	// its input and change events)
	fill := func(sel, v string) chromedp.Action {
		js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, sel, v)
		return chromedp.Evaluate(js, nil)
	}
	login := func(name, secret string) chromedp.Action {
		return chromedp.Tasks{
			chromedp.WaitVisible("#login-name", chromedp.ByQuery),
			fill("#login-name", ""), chromedp.SendKeys("#login-name", name, chromedp.ByQuery),
			fill("#login-secret", ""), chromedp.SendKeys("#login-secret", secret, chromedp.ByQuery),
			chromedp.Click("#login-submit", chromedp.ByQuery),
		}
	}
	authStatus := func(status *int) chromedp.Action {
		return chromedp.Evaluate(`fetch("/auth", {method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"}).then(r => r.status)`, status,
			func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) })
	}

	// a plain account is refused, and keeps no session
	var refusal string
	var status int
	run("a plain login", chromedp.Navigate(s.base+"/admin/"), login("plain", "plain-secret"),
		chromedp.Poll(`document.getElementById("login-error")?.textContent.includes("not an admin")`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Text("#login-error", &refusal, chromedp.ByQuery), authStatus(&status), shot("login-refused"))
	if status != 417 {
		t.Fatalf("after a refused console login /auth answers %d, want 417 (no session kept)", status)
	}

	// the admin logs in; the tables
	run("the admin's login", login(adminLogin, adminSecret), chromedp.WaitVisible("#me", chromedp.ByQuery),
		chromedp.WaitVisible("#tables", chromedp.ByQuery), shot("tables"))

	// find a row by a condition, edit it
	var ids []string
	run("find a row", chromedp.Navigate(s.base+"/admin/#/tables/todo"), chromedp.WaitVisible("#add-cond", chromedp.ByQuery),
		chromedp.Click("#add-cond", chromedp.ByQuery),
		fill(".cond-col", "name"), fill(".cond-op", "eq"),
		chromedp.SendKeys(".cond-value", "find me", chromedp.ByQuery), chromedp.Click("#search", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll("#result tr.data-row").length === 1`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(`[...document.querySelectorAll('#result td[data-col="id"]')].map(td => td.textContent)`, &ids))
	if len(ids) != 1 || ids[0] != "console-1" {
		t.Fatalf("the rows found by name = find me: %v", ids)
	}
	run("edit it", chromedp.Click("#result button.edit", chromedp.ByQuery), chromedp.WaitVisible("#f-name", chromedp.ByQuery),
		fill("#f-name", ""), chromedp.SendKeys("#f-name", "found and edited", chromedp.ByQuery),
		chromedp.Click("#save", chromedp.ByQuery), chromedp.WaitVisible("#saved", chromedp.ByQuery), shot("table-todo"))
	if got := s.get("/todo/get", q("id", "console-1")).str("name"); got != "found and edited" {
		t.Fatalf("the edited row through the API: name %q", got)
	}
	// the API's refusal beside the field it names (album.title is NotEmpty)
	var fieldErr string
	run("a refused edit", chromedp.Navigate(s.base+"/admin/#/tables/album"), chromedp.WaitVisible("#result button.edit", chromedp.ByQuery),
		chromedp.Click("#result button.edit", chromedp.ByQuery), chromedp.WaitVisible("#f-title", chromedp.ByQuery),
		fill("#f-title", ""), chromedp.Click("#save", chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("err-title")?.textContent !== ""`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Text("#err-title", &fieldErr, chromedp.ByQuery), shot("table-album-refused"))
	if !strings.Contains(fieldErr, "title") {
		t.Fatalf("the refusal beside title: %q", fieldErr)
	}

	// accounts
	var newSecret string
	row := `tr.account[data-login="plain"]`
	run("accounts", chromedp.Navigate(s.base+"/admin/#/accounts"), chromedp.WaitVisible(row, chromedp.ByQuery),
		fill(row+" input.type", "member"), chromedp.Click(row+" button.set-type", chromedp.ByQuery),
		chromedp.Poll(`(document.querySelector("#account-msg .ok")?.textContent || "").includes("member")`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Click(row+" button.reset-secret", chromedp.ByQuery), chromedp.WaitVisible("#new-secret", chromedp.ByQuery),
		chromedp.Text("#new-secret", &newSecret, chromedp.ByQuery), shot("accounts"))
	if r := s.as(t, "plain", newSecret).get("/todo/select", nil); r.status != 200 {
		t.Fatalf("the secret the console set: %d %s", r.status, r.raw)
	}
	if r := plain.get("/todo/select", nil); r.status == 200 {
		t.Fatal("the old secret still works after the console reset it")
	}
	if r := s.as(t, "plain", newSecret).postJSON("/auth", map[string]any{}); r.str("type") != "member" {
		t.Fatalf("the type the console set: %q", r.str("type"))
	}

	// submit a job, see it succeed (and its effect through the API)
	run("a job", chromedp.Navigate(s.base+"/admin/#/jobs"), chromedp.WaitVisible(`form[data-job="tally"]`, chromedp.ByQuery),
		chromedp.SendKeys(`form[data-job="tally"] input[name="id"]`, "console-meter", chromedp.ByQuery),
		chromedp.SendKeys(`form[data-job="tally"] input[name="n"]`, "3", chromedp.ByQuery),
		chromedp.Click(`form[data-job="tally"] button.submit-job`, chromedp.ByQuery), chromedp.WaitVisible("#job-submitted", chromedp.ByQuery),
		chromedp.Poll(`document.querySelector('#jobs-succeeded tr.job-row[data-name="tally"]') !== null`, nil, chromedp.WithPollingTimeout(60*time.Second)),
		shot("jobs"))
	if got := s.get("/meter/get", q("id", "console-meter")).num("likes"); got != 3 {
		t.Fatalf("the job's effect: likes %v, want 3", got)
	}

	// the request-rate chart moves while a load runs
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if res, err := s.client.Get(s.base + "/todo/select?_count=5"); err == nil {
					res.Body.Close()
				}
			}
		}()
	}
	var rate string
	run("the chart under load", chromedp.Navigate(s.base+"/admin/#/metrics"), chromedp.WaitVisible("#chart-rate", chromedp.ByQuery),
		chromedp.Poll(`Number(document.getElementById("chart-rate").dataset.max) > 5`, nil, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.AttributeValue("#chart-rate", "data-max", &rate, nil, chromedp.ByQuery), shot("metrics"))
	close(stop)
	wg.Wait()

	// the configuration, secrets masked
	var secretShown, page string
	run("config", chromedp.Navigate(s.base+"/admin/#/config"), chromedp.WaitVisible(`tr.param[data-name="api-port"]`, chromedp.ByQuery),
		chromedp.Text(`tr.param[data-name="api-access-token-secret"] td.value`, &secretShown, chromedp.ByQuery),
		chromedp.OuterHTML("html", &page, chromedp.ByQuery), shot("config"))
	if secretShown != "********" || strings.Contains(page, tokenSecret) {
		t.Fatalf("the token secret on the config page: %q (the page holds the value: %v)", secretShown, strings.Contains(page, tokenSecret))
	}

	// GraphiQL with the session: the default query runs
	var result string
	run("graphiql", chromedp.Navigate(s.base+"/admin/graphiql.html"), chromedp.WaitVisible(".graphiql-execute-button", chromedp.ByQuery),
		chromedp.Click(".graphiql-execute-button", chromedp.ByQuery),
		chromedp.Poll(`(document.querySelector(".result-window")?.textContent || "").includes("found and edited")`, nil, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.Text(".result-window", &result, chromedp.ByQuery), shot("graphiql"))

	// every action is in the access log, with the admin's login
	for _, path := range []string{"/todo/select", "/todo/update", "/system/jobs/submit", "/system/config/get", "/graphql"} {
		if !strings.Contains(s.logs(), fmt.Sprintf("path=%s status=200", path)) || !strings.Contains(s.logs(), "login="+adminLogin) {
			t.Errorf("the access log lacks %s by %s", path, adminLogin)
		}
	}
	t.Logf("screenshots in %s; rate peak %s req/s", shots, rate)
}

// TestDocTryIt: /doc's "try it" sends a POST signed in the page (WebCrypto)
// for the login and secret typed there; the row it adds is in the API, and
// without them the same request is refused.
func TestDocTryIt(t *testing.T) {
	browser := chromium(t)
	s := start(t, "-home", t.TempDir())
	addAccount(t, s, "tryer")
	ctx := browse(t, browser, 2*time.Minute)
	send := func(body string, out *string) chromedp.Action {
		sel := `details.try[data-path="/todo/add"]`
		return chromedp.Tasks{
			chromedp.Evaluate(fmt.Sprintf(`(() => { const d = document.querySelector(%q); d.open = true; d.querySelector(".out").textContent = ""; d.querySelector("textarea").value = %q; return true; })()`, sel, body), nil),
			chromedp.Click(sel+" button.send", chromedp.ByQuery),
			chromedp.Poll(fmt.Sprintf(`/^\d{3} /.test(document.querySelector(%q).textContent)`, sel+" .out"), nil, chromedp.WithPollingTimeout(30*time.Second)),
			chromedp.Text(sel+" .out", out, chromedp.ByQuery),
		}
	}
	var signed, unsigned string
	err := chromedp.Run(ctx, chromedp.Navigate(s.base+"/doc"), chromedp.WaitVisible("#try-login", chromedp.ByQuery),
		chromedp.SendKeys("#try-login", "tryer", chromedp.ByQuery), chromedp.SendKeys("#try-secret", "tryer-secret", chromedp.ByQuery),
		send(`{"id": "doc-try-1", "name": "from the doc page"}`, &signed),
		chromedp.Evaluate(`document.getElementById("try-login").value = ""`, nil),
		send(`{"id": "doc-try-2", "name": "unsigned"}`, &unsigned))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(signed, "200 ") || !strings.Contains(signed, "from the doc page") {
		t.Fatalf("the signed try: %q", signed)
	}
	if got := s.get("/todo/get", q("id", "doc-try-1")).str("name"); got != "from the doc page" {
		t.Fatalf("the row added from /doc: %q", got)
	}
	if !strings.HasPrefix(unsigned, "417 ") {
		t.Fatalf("the try without a login: %q, want 417", unsigned)
	}
}

// TestPlaygroundInChromium: /graphql/playground is GraphiQL; a plain
// account logs in from its bar and runs the query given in the URL.
func TestPlaygroundInChromium(t *testing.T) {
	browser := chromium(t)
	s := start(t, "-home", t.TempDir())
	addAccount(t, s, "player")
	want(t, s.get("/todo/add", q("name", "seen in chromium")), 200)
	ctx := browse(t, browser, 2*time.Minute)
	var who, result string
	err := chromedp.Run(ctx, chromedp.Navigate(s.base+"/graphql/playground?query="+url.QueryEscape("{ todos { nodes { name } } }")),
		chromedp.WaitVisible("#gql-login", chromedp.ByQuery),
		chromedp.SendKeys(`#gql-login input[name="login"]`, "player", chromedp.ByQuery),
		chromedp.SendKeys(`#gql-login input[name="secret"]`, "player-secret", chromedp.ByQuery),
		chromedp.Click(`#gql-login button`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("gql-who").textContent.includes("player")`, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Text("#gql-who", &who, chromedp.ByQuery),
		chromedp.WaitVisible(".graphiql-execute-button", chromedp.ByQuery), chromedp.Click(".graphiql-execute-button", chromedp.ByQuery),
		chromedp.Poll(`(document.querySelector(".result-window")?.textContent || "").includes("seen in chromium")`, nil, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.Text(".result-window", &result, chromedp.ByQuery))
	if err != nil {
		t.Fatalf("%v (bar %q, result %q)", err, who, result)
	}
}
