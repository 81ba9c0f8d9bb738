// Package newapp runs the newcomer path of the README on a clean temp
// directory: bkgen new app, a table added to the schema, go generate, a
// build, the app started, a signed REST call and a GraphQL query, stop.
package newapp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bkgen/bkgen/runtime/sign"
	"github.com/bkgen/bkgen/tests/testenv"
)

// root is the framework checkout (two levels up).
func root(t *testing.T) string {
	r, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func bkgen(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "bkgen")
	run(t, root(t), "go", "build", "-o", bin, "./cmd/bkgen")
	return bin
}

const noteSchema = `package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"github.com/google/uuid"

	"github.com/bkgen/bkgen/schema/bk"
)

// Note is a table added by the newcomer.
type Note struct{ ent.Schema }

func (Note) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").Annotations(bk.Primary(), bk.UUID()),
		field.String("text").MaxLen(1000).Annotations(bk.Pub()),
		field.Int64("mtime").Annotations(bk.Now()),
		// shapes the example schema lacks, so that their generated code is compiled
		field.UUID("ref", uuid.UUID{}).Optional().Nillable(),
		field.UUID("batch", uuid.UUID{}).Optional(),
		field.Uint8("level").Optional().Nillable(),
	}
}
`

// noteClient is a program of the new app that uses its generated Go client.
const noteClient = `package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"example.com/demo/generated/client"
)

func main() {
	ctx := context.Background()
	c, err := client.New(os.Args[1], client.Signed("newcomer", "newcomer-secret"))
	if err != nil {
		panic(err)
	}
	if _, err := c.Note.Add(ctx, &client.Note{Text: "from the client"}); err != nil {
		panic(err)
	}
	var texts []string
	for note, err := range c.Note.Select(ctx, client.Query{Where: []client.Cond{client.NoteCols.Text.Ne("")}}) {
		if err != nil {
			panic(err)
		}
		texts = append(texts, note.Text)
	}
	slices.Sort(texts)
	fmt.Printf("%d notes: %s\n", len(texts), strings.Join(texts, "; "))
}
`

// noteClientTS is the same program for the TypeScript client.
const noteClientTS = `import { Client, NoteCols } from "./index.js";

export async function notes(base: string): Promise<string[]> {
  const c = new Client(base, { login: "newcomer", secret: "newcomer-secret" });
  await c.note.add({ text: "from the client" });
  const texts: string[] = [];
  for await (const n of c.note.select({ where: [NoteCols.text.ne("")] })) texts.push(n.text ?? "");
  return texts;
}
`

func TestNewApp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a new module")
	}
	bk := bkgen(t)
	work := t.TempDir()
	app := filepath.Join(work, "demo")
	out := run(t, work, bk, "new", "app", "example.com/demo", "-framework", root(t), "-modules", "connections,locations,icons")
	if !strings.Contains(out, "example.com/demo is ready") {
		t.Fatalf("new app:\n%s", out)
	}
	for _, f := range []string{"go.mod", "go.sum", "Makefile", "README.md", ".gitignore", "schema/generate.go", "schema/task.go", "schema/jobs.go",
		"cmd/demo/main.go", "cmd/demo/hooks.go", "cmd/demo/jobs.go", "cmd/demo/job_remind.go", "cmd/demo/app_test.go", "generated/store/task.go", "openapi.yaml",
		"schema/modules.go", "generated/store/bk_counter.go", "generated/store/bk_connection.go", "generated/store/bk_location.go", "generated/store/bk_icon.go"} {
		if _, err := os.Stat(filepath.Join(app, f)); err != nil {
			t.Errorf("the new app lacks %s", f)
		}
	}

	// the scaffolded test passes as is
	run(t, app, "go", "test", "./...")
	// the application's own parameters are in its docs/config.md
	run(t, app, "make", "docs")
	if doc := string(must(os.ReadFile(filepath.Join(app, "docs", "config.md")))); !strings.Contains(doc, "-task-banned regexp") || !strings.Contains(doc, "-db-pool string") {
		t.Fatalf("docs/config.md lacks the parameters:\n%s", doc)
	}

	// a user edit of a handler file survives generation; a new table just works
	handler := filepath.Join(app, "cmd", "demo", "job_remind.go")
	mine := []byte(strings.Replace(string(must(os.ReadFile(handler))), `slog.InfoContext(ctx, "job remind"`, `slog.InfoContext(ctx, "my reminder"`, 1))
	os.WriteFile(handler, mine, 0o644)
	os.WriteFile(filepath.Join(app, "schema", "note.go"), []byte(noteSchema), 0o644)
	run(t, app, "go", "generate", "./...")
	if !bytes.Equal(must(os.ReadFile(handler)), mine) {
		t.Fatal("go generate overwrote a handler file")
	}
	if _, err := os.Stat(filepath.Join(app, "generated", "store", "note.go")); err != nil {
		t.Fatal("the new table was not generated")
	}
	bin := filepath.Join(app, "bin", "demo")
	run(t, app, "go", "build", "-o", bin, "./cmd/demo")

	// start it, sign a REST call and a GraphQL query, stop it
	home := t.TempDir()
	run(t, app, bin, "-home", home, "shell", "account-add", "-login", "newcomer", "-secret", "newcomer-secret")
	srv := exec.Command(bin, "-home", home, "-api-bind", "127.0.0.1", "-api-port", "0")
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`msg=listening addr=(\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(30 * time.Second):
		srv.Process.Kill()
		t.Fatal("the app did not start")
	}
	c := &http.Client{Transport: &sign.Transport{Login: "newcomer", Secret: "newcomer-secret"}}
	post := func(path, body string) map[string]any {
		t.Helper()
		res, err := c.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var v map[string]any
		if res.StatusCode != 200 || json.Unmarshal(b, &v) != nil {
			t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
		}
		return v
	}
	note := post("/note/add", `{"text":"hello from the newcomer path"}`)
	if note["text"] != "hello from the newcomer path" {
		t.Fatalf("note: %v", note)
	}
	res, err := c.Get(base + "/note/get?id=" + note["id"].(string))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("get: %v %v", err, res)
	}
	res.Body.Close()
	// the modules it opted into
	post("/counter/incr", `{"ping":2}`)
	if got := post("/counter/get", `{}`); got["ping"] != 2.0 {
		t.Fatalf("counter: %v", got)
	}
	post("/location/put", `{"latitude":48.85,"longitude":2.35}`)
	g := post("/graphql", `{"query":"{ notes { nodes { text } } }"}`)
	if b, _ := json.Marshal(g); !strings.Contains(string(b), "hello from the newcomer path") {
		t.Fatalf("graphql: %s", b)
	}
	// the app's generated Go client, from a program of its own
	prog := filepath.Join(app, "tools", "noteclient")
	os.MkdirAll(prog, 0o755)
	os.WriteFile(filepath.Join(prog, "main.go"), []byte(noteClient), 0o644)
	if out := run(t, app, "go", "run", "./tools/noteclient", base); !strings.Contains(out, "2 notes: from the client; hello from the newcomer path") {
		t.Fatalf("the client program: %s", out)
	}
	srv.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stop: %v", err)
		}
	case <-time.After(15 * time.Second):
		srv.Process.Kill()
		t.Fatal("the app did not stop on SIGTERM")
	}

	// the generated Go client follows the schema: code using a column that
	// is renamed stops compiling, naming the column
	// (TypeScript too: the same program's calls type-check against the client)
	compiler := testenv.TSC(t)
	tsDir := t.TempDir()
	tsCheck := func() ([]byte, error) {
		for _, f := range []string{"core.ts", "index.ts", "tsconfig.json"} {
			os.WriteFile(filepath.Join(tsDir, f), must(os.ReadFile(filepath.Join(app, "generated", "client", "ts", f))), 0o644)
		}
		os.WriteFile(filepath.Join(tsDir, "notes.ts"), []byte(noteClientTS), 0o644)
		cmd := exec.Command(compiler, "-p", ".", "--noEmit", "--strict")
		cmd.Dir = tsDir
		return cmd.CombinedOutput()
	}
	if msg, err := tsCheck(); err != nil {
		t.Fatalf("tsc on the TypeScript client and a program using it: %v\n%s", err, msg)
	}
	os.WriteFile(filepath.Join(app, "schema", "note.go"), []byte(strings.Replace(noteSchema, `field.String("text")`, `field.String("body")`, 1)), 0o644)
	run(t, app, "go", "generate", "./...")
	cmd0 := exec.Command("go", "build", "./tools/noteclient")
	cmd0.Dir = app
	if msg, err := cmd0.CombinedOutput(); err == nil || !strings.Contains(string(msg), "Text") || !strings.Contains(string(msg), "main.go") {
		t.Fatalf("old client code after a column was renamed: %v\n%s", err, msg)
	}
	if msg, err := tsCheck(); err == nil || !strings.Contains(string(msg), "notes.ts") || !strings.Contains(string(msg), "text") {
		t.Fatalf("old TypeScript client code after a column was renamed: %v\n%s", err, msg)
	}

	// a schema with a syntax error: the compiler's message with file:line
	os.WriteFile(filepath.Join(app, "schema", "broken.go"), []byte("package schema\n\nfunc broken( {\n"), 0o644)
	cmd := exec.Command("go", "generate", "./...")
	cmd.Dir = app
	msg, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "broken.go:3") || strings.Contains(string(msg), "goroutine ") {
		t.Fatalf("a broken schema: %v\n%s", err, msg)
	}
}

// TestNewAppBadInput: refusals that come before any file is written.
func TestNewAppBadInput(t *testing.T) {
	bk := bkgen(t)
	work := t.TempDir()
	full := filepath.Join(work, "full")
	os.MkdirAll(full, 0o755)
	os.WriteFile(filepath.Join(full, "keep.txt"), []byte("mine"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"new", "app", "demo", "-dir", full, "-no-generate"}, "is not empty"},
		{[]string{"new", "app", "Example.com/Demo!", "-no-generate"}, "not a valid module path"},
		{[]string{"new", "app", "example.com/9lives", "-no-generate"}, "names the binary"},
		{[]string{"new", "thing", "x"}, "want `bkgen new app MODULE`"},
		{[]string{"new", "app", "demo", "-modules", "counters,chat", "-no-generate"}, `no module "chat"`},
		{[]string{"new", "app"}, "Usage: bkgen new app MODULE"},
		{[]string{"new", "app", "demo", "-framework", work, "-no-generate"}, "is not a checkout"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
	} {
		cmd := exec.Command(bk, c.args...)
		cmd.Dir = work
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), c.want) {
			t.Errorf("bkgen %v: %v\n%s\nwant %q", c.args, err, out, c.want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(full, "keep.txt")); string(b) != "mine" {
		t.Fatal("a refused new app touched the directory")
	}
	// -force writes into it
	cmd := exec.Command(bk, "new", "app", "demo", "-dir", full, "-force", "-no-generate", "-framework", root(t))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("-force: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(full, "schema", "task.go")); err != nil {
		t.Fatal("-force did not write")
	}
	// help and version
	for _, args := range [][]string{{"-h"}, {"help", "generate"}, {"version"}, {"new", "app", "-h"}} {
		out, err := exec.Command(bk, args...).CombinedOutput()
		if err != nil || len(out) == 0 {
			t.Errorf("bkgen %v: %v %s", args, err, out)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
