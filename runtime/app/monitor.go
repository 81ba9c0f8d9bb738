package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/bkgen/bkgen/runtime/web"
)

// childEnv marks a process started by the monitor: it takes no instance
// lock (the monitor holds it) and /system/restart signals its parent.
const childEnv = "BK_MONITOR_CHILD"

// pidFile is where an instance's pid is kept, locked while it runs.
func pidFile(name, home string) string { return filepath.Join(home, "var", name+".pid") }

// lockHome takes the instance lock of home (flock on the pid file, so a
// crash cannot leave a stale lock) and writes the pid; a second instance
// on the same home is refused with the first one's pid.
func lockHome(name, home string) (func(), error) {
	path := pidFile(name, home)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := os.ReadFile(path)
		f.Close()
		return nil, fmt.Errorf("another instance (pid %s) runs on home %s; stop it first (%s -home %s stop)", strings.TrimSpace(string(b)), absHome(home), name, home)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return func() {
		os.Remove(path)
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// stopInstance sends SIGTERM to the instance running on home and waits
// until it has released its lock.
func (a *App) stopInstance(home string, stderr io.Writer) int {
	path := pidFile(a.Name, home)
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "%s: no instance runs on home %s\n", a.Name, absHome(home))
		return 1
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		fmt.Fprintf(stderr, "%s: no instance runs on home %s (stale pid file)\n", a.Name, absHome(home))
		return 1
	}
	b, _ := io.ReadAll(f)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		fmt.Fprintf(stderr, "%s: unreadable pid file %s\n", a.Name, path)
		return 1
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		fmt.Fprintf(stderr, "%s: stop pid %d: %v\n", a.Name, pid, err)
		return 1
	}
	// the lock goes when the instance exits
	for end := time.Now().Add(2 * time.Minute); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			fmt.Fprintf(stderr, "%s: stopped pid %d\n", a.Name, pid)
			return 0
		}
	}
	fmt.Fprintf(stderr, "%s: pid %d did not stop within 2 minutes\n", a.Name, pid)
	return 1
}

// child is one supervised process of the monitor.
type child struct {
	role    string
	cmd     *exec.Cmd
	started time.Time
	done    chan struct{} // closed when it exited
	retired bool          // replaced by a graceful restart: its exit is expected
}

// monitor runs the configured roles as child processes of the same binary
// and keeps them running: a crashed child is restarted after a delay that
// doubles with each quick crash in a row, up to -server-crash-count; then
// the monitor gives up on it with a log line. The web children inherit the
// monitor's listening socket, so a restart refuses no connection. SIGHUP
// (or /system/restart) replaces the web child gracefully: the new one
// serves before the old one is told to drain and stop.
func (a *App) monitor(ctx context.Context, st *settings, flags []string, stderr io.Writer) int {
	unlock, err := lockHome(a.Name, st.home)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", a.Name, err)
		return 1
	}
	defer unlock()
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", a.Name, err)
		return 1
	}
	roles := st.server.Roles
	if len(roles) == 0 {
		roles = []string{"web"}
		if st.jc.Queue != "" && st.jc.Queue != "local" {
			roles = append(roles, "master")
		}
	}
	var lnFile *os.File
	for _, r := range roles {
		switch r {
		case "web":
			ln, err := web.Listen(st.wc)
			if err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", a.Name, err)
				return 1
			}
			lnFile, _ = ln.(*net.TCPListener).File()
			ln.Close() // the file is a copy of the socket
			// O_NONBLOCK belongs to the socket, shared by every process
			// holding it, and os.File.Fd (which exec calls for ExtraFiles)
			// makes a non-blocking file blocking: once here, before any
			// child exists, rather than at each child start under the
			// running ones (web.Serve copes with the flips that remain).
			lnFile.Fd()
			slog.Info("listening", "addr", ln.Addr().String(), "role", "monitor", "pid", os.Getpid())
		case "master", "worker":
		default:
			fmt.Fprintf(stderr, "%s: -server-roles: unknown role %q (web, master, worker)\n", a.Name, r)
			return 2
		}
	}
	m := &supervisor{exe: exe, flags: flags, ln: lnFile, exited: make(chan *child, 8)}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	live := map[string]*child{}
	failures := map[string]int{}
	for _, r := range roles {
		c, err := m.start(r)
		if err != nil {
			slog.Error("monitor: cannot start", "role", r, "err", err)
			return 1
		}
		live[r] = c
	}
	restartTimers := map[string]*time.Timer{}
	restartDue := make(chan string, 8)
	for {
		select {
		case <-ctx.Done():
			slog.Info("monitor: stopping", "children", len(live))
			for _, t := range restartTimers {
				t.Stop()
			}
			m.stopAll(st.wc.ShutdownTimeout + st.jc.ShutdownTimeout)
			return 0
		case <-hup:
			if old := live["web"]; old != nil {
				slog.Info("monitor: graceful restart of web", "old", old.cmd.Process.Pid)
				c, err := m.startReady("web", time.Minute)
				if err != nil {
					slog.Error("monitor: the new web process did not start; the old one keeps serving", "err", err)
					continue
				}
				old.retired = true
				old.cmd.Process.Signal(syscall.SIGTERM)
				live["web"] = c
				slog.Info("monitor: web restarted", "pid", c.cmd.Process.Pid, "old", old.cmd.Process.Pid)
			}
		case c := <-m.exited:
			if c.retired || live[c.role] != c {
				continue
			}
			delete(live, c.role)
			ran := time.Since(c.started)
			code := c.cmd.ProcessState.ExitCode()
			if st.server.NoRestart {
				slog.Error("monitor: child exited; not restarting (-server-no-restart)", "role", c.role, "code", code)
				if len(live) == 0 && len(restartTimers) == 0 {
					return 1
				}
				continue
			}
			if ran < st.server.CrashWindow {
				failures[c.role]++
			} else {
				failures[c.role] = 1
			}
			if failures[c.role] >= st.server.CrashCount && ran < st.server.CrashWindow {
				slog.Error(fmt.Sprintf("monitor: crash loop: %s exited %d times in a row, each within %v of starting; not restarting it", c.role, failures[c.role], st.server.CrashWindow),
					"role", c.role, "code", code)
				if len(live) == 0 && len(restartTimers) == 0 {
					return 1
				}
				continue
			}
			delay := st.server.RestartDelay << max(0, failures[c.role]-1)
			slog.Warn("monitor: child exited; restarting", "role", c.role, "pid", c.cmd.Process.Pid, "code", code, "ran", ran.Round(time.Millisecond), "in", delay)
			role := c.role
			restartTimers[role] = time.AfterFunc(delay, func() { restartDue <- role })
		case role := <-restartDue:
			delete(restartTimers, role)
			c, err := m.start(role)
			if err != nil {
				slog.Error("monitor: cannot restart", "role", role, "err", err)
				continue
			}
			live[role] = c
		}
	}
}

// supervisor starts and stops the children.
type supervisor struct {
	exe    string
	flags  []string
	ln     *os.File
	mu     sync.Mutex
	all    []*child
	exited chan *child
}

func (m *supervisor) command(role string) *exec.Cmd {
	cmd := exec.Command(m.exe, append(append([]string{}, m.flags...), role)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), childEnv+"=1")
	if role == "web" && m.ln != nil {
		cmd.ExtraFiles = []*os.File{m.ln}
		cmd.Env = append(cmd.Env, web.ListenFDEnv+"=3")
	}
	return cmd
}

func (m *supervisor) run(role string, cmd *exec.Cmd) (*child, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{role: role, cmd: cmd, started: time.Now(), done: make(chan struct{})}
	m.mu.Lock()
	m.all = append(m.all, c)
	m.mu.Unlock()
	slog.Info("monitor: started", "role", role, "pid", cmd.Process.Pid)
	go func() {
		cmd.Wait()
		close(c.done)
		m.exited <- c
	}()
	return c, nil
}

func (m *supervisor) start(role string) (*child, error) { return m.run(role, m.command(role)) }

// startReady starts a web child and waits until it serves.
func (m *supervisor) startReady(role string, within time.Duration) (*child, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := m.command(role)
	cmd.ExtraFiles = append(cmd.ExtraFiles, w)
	cmd.Env = append(cmd.Env, web.ReadyFDEnv+"="+strconv.Itoa(2+len(cmd.ExtraFiles)))
	c, err := m.run(role, cmd)
	w.Close()
	if err != nil {
		return nil, err
	}
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
	}()
	select {
	case ok := <-ready:
		if ok {
			return c, nil
		}
	case <-time.After(within):
	}
	c.retired = true
	c.cmd.Process.Kill()
	return nil, errors.New("no ready signal")
}

// stopAll sends SIGTERM to every running child and waits for them, up to
// grace; the rest get SIGKILL.
func (m *supervisor) stopAll(grace time.Duration) {
	m.mu.Lock()
	all := append([]*child(nil), m.all...)
	m.mu.Unlock()
	for _, c := range all {
		c.retired = true
		c.cmd.Process.Signal(syscall.SIGTERM)
	}
	deadline := time.After(grace + 5*time.Second)
	for _, c := range all {
		select {
		case <-c.done:
		case <-deadline:
			slog.Error("monitor: child did not stop in time; killing it", "role", c.role, "pid", c.cmd.Process.Pid)
			c.cmd.Process.Kill()
			<-c.done
		}
	}
}
