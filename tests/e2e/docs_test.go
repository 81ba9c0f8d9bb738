package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestConfigReference: docs/config.md lists exactly what `bkapp -help` says.
func TestConfigReference(t *testing.T) {
	out, err := exec.Command(bin, "-help").Output()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, _ := strings.Cut(string(doc), "<!-- begin: bkapp -help -->\n```\n")
	block, _, _ = strings.Cut(block, "```\n<!-- end: bkapp -help -->")
	if strings.TrimSpace(block) != strings.TrimSpace(string(out)) {
		t.Fatal("docs/config.md is out of date: run make docs")
	}
}

// TestReadmeHelp runs the README's -help command as written.
func TestReadmeHelp(t *testing.T) {
	block := strings.TrimSpace(readmeBlock(t, "<!-- e2e: readme-help"))
	cmd := exec.Command("bash", "-ec", block)
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "-db-pool string") || !strings.Contains(string(out), "Roles:") {
		t.Fatalf("%s: %v\n%s", block, err, out)
	}
}

// TestReadmeMakeRun runs the README's `make run` with the TODO routes open
// (on a port and home of the test's own) and calls it.
func TestReadmeMakeRun(t *testing.T) {
	port := freePort(t)
	home := t.TempDir()
	cmd := exec.Command("make", "run", fmt.Sprintf("ARGS=-api-allow-path ^/todo/ -api-port %d -home %s", port, home))
	cmd.Dir = "../.."
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for end := time.Now().Add(90 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get(base + "/todo/select"); err == nil {
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("make run: /todo/select %d", res.StatusCode)
			}
			break
		}
		if time.Now().After(end) {
			t.Fatal("make run did not serve")
		}
	}
}

// TestTutorial runs every shell block of docs/tutorial.md, in order, in one
// shell, as a newcomer would: HOME is a temp directory (the tutorial puts
// the app in $HOME/todo), the server port is one of the test's own.
func TestTutorial(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a new module")
	}
	doc, err := os.ReadFile("../../docs/tutorial.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 8 {
		t.Fatalf("the tutorial has %d shell blocks", len(blocks))
	}
	port := freePort(t)
	var script strings.Builder
	script.WriteString("set -e\n")
	for _, b := range blocks {
		script.WriteString(strings.ReplaceAll(b[1], "8000", fmt.Sprint(port)))
	}
	root, _ := filepath.Abs("../..")
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home)
	for _, v := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} { // keep the caches of the real home
		out, _ := exec.Command("go", "env", v).Output()
		env = append(env, v+"="+strings.TrimSpace(string(out)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir, cmd.Env = root, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// a failing step leaves the server running with the output pipe: kill
	// the whole group, and stop waiting for the pipe soon after
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the server, if the script stopped early
	log := string(out)
	if err != nil {
		t.Fatalf("the tutorial failed: %v\n%s", err, log)
	}
	for _, want := range []string{
		"example.com/todo is ready",
		`"name":"milk"`, `"name":"bread"`, `"name":"cheese"`, `"done":true`, `"affected_rows":1`,
		`"code":"InvalidValue"`,
		`"nodes":[`, `"addTodo":{`,
		`200 {"id":`, `"name":"signed todo"`, `"title":"from go"`,
		`"code":"NOLOGIN"`,
		`-todo-banned regexp`, `"code":"Refused"`, `"descr":"(no description)"`, `"message":"\"green tea\" is not a todo here"`,
		`<h1>todo</h1>`, `preflight 204 http://localhost:3000`,
		`{"subscribed":"todo"}`, `"table":"todo","op":"add","row":{`,
		`strict-transport-security: max-age=86400`,
		`"type":"message","op":"add"`, `unread {"count":1}`, `"msg":"buy milk"`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the tutorial's output lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(log)
	}
	if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
		c.Close()
		t.Error("the tutorial's server still runs after kill %1")
	}
}

// TestArchitectureDoc: every file and directory docs/architecture.md names
// exists, so the map a newcomer reads first stays true.
func TestArchitectureDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	paths := regexp.MustCompile("`((?:schema|gen|cmd|templates|runtime|generated|tests|bench|scripts|docs)/[A-Za-z0-9_./*-]+)`").FindAllStringSubmatch(string(doc), -1)
	if len(paths) < 30 {
		t.Fatalf("only %d paths found: the pattern no longer matches the page", len(paths))
	}
	for _, m := range paths {
		p := strings.TrimSuffix(m[1], "/")
		if strings.Contains(p, "*") {
			if matches, _ := filepath.Glob("../../" + p); len(matches) == 0 {
				t.Errorf("docs/architecture.md names %s: nothing matches", p)
			}
			continue
		}
		if _, err := os.Stat("../../" + p); err != nil {
			t.Errorf("docs/architecture.md names %s, which does not exist", p)
		}
	}
}
