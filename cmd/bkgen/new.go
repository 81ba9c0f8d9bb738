package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/bkgen/bkgen/templates"
)

const frameworkModule = "github.com/bkgen/bkgen"

var (
	modulePathRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-_~]*(/[a-zA-Z0-9.\-_~]+)*$`)
	binaryNameRE = regexp.MustCompile(`^[a-z][a-z0-9_\-]*$`)
)

// newApp scaffolds an application: `bkgen new app MODULE [-dir DIR]`.
func newApp(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bkgen new app", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "directory of the new application (default: the last element of MODULE, in the current directory)")
	force := fs.Bool("force", false, "write into a directory that is not empty (existing files are replaced)")
	framework := fs.String("framework", "", "a checkout of "+frameworkModule+" to use through a replace line (default: the one this bkgen runs from, when it is a checkout)")
	noGenerate := fs.Bool("no-generate", false, "only write the files: skip go mod tidy and go generate")
	mods := fs.String("modules", "", "backendjs modules to opt into, comma-separated: counters, connections, messages, locations, icons, or all (connections and messages bring counters); later, embed their schemas in schema/modules.go (docs/modules.md)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: bkgen new app MODULE [flags]\n\nCreates a Go module MODULE (e.g. example.com/demo, or demo) with a schema, a main package\nand tests, then runs go mod tidy and go generate in it.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if len(args) == 0 || args[0] != "app" {
		fmt.Fprintf(stderr, "bkgen new: want `bkgen new app MODULE` (the only thing bkgen makes new is an app)\n")
		return 2
	}
	// flags may come before or after MODULE
	words, code, ok := parseArgs(fs, args[1:], stderr)
	if !ok {
		return code
	}
	if len(words) > 1 {
		fmt.Fprintf(stderr, "bkgen new app: one MODULE, got %q and %q\n", words[0], words[1])
		return 2
	}
	var module string
	if len(words) == 1 {
		module = words[0]
	}
	if module == "" {
		fs.Usage()
		return 2
	}
	name := path.Base(module)
	if !modulePathRE.MatchString(module) || strings.Contains(module, "..") || strings.HasSuffix(module, "/") {
		fmt.Fprintf(stderr, "bkgen new app: %q is not a valid module path (lowercase letters, digits, . - _ ~, elements separated by /; e.g. example.com/demo)\n", module)
		return 2
	}
	if !binaryNameRE.MatchString(name) {
		fmt.Fprintf(stderr, "bkgen new app: the last element of the module, %q, names the binary: it must match %s\n", name, binaryNameRE)
		return 2
	}
	chosen := map[string]string{}
	if err := chooseModules(chosen, *mods); err != nil {
		fmt.Fprintln(stderr, "bkgen new app:", err)
		return 2
	}
	if *dir == "" {
		*dir = name
	}
	if entries, err := os.ReadDir(*dir); err == nil && len(entries) > 0 && !*force {
		fmt.Fprintf(stderr, "bkgen new app: %s exists and is not empty; choose another -dir, or add -force to write into it\n", *dir)
		return 1
	}
	fw := *framework
	if fw == "" {
		fw = findFramework()
	}
	if fw != "" {
		abs, err := filepath.Abs(fw)
		if err != nil {
			fmt.Fprintln(stderr, "bkgen new app:", err)
			return 1
		}
		if b, err := os.ReadFile(filepath.Join(abs, "go.mod")); err != nil || !strings.Contains(string(b), "module "+frameworkModule+"\n") {
			fmt.Fprintf(stderr, "bkgen new app: -framework %s is not a checkout of %s\n", fw, frameworkModule)
			return 1
		}
		fw = abs
	} else {
		fmt.Fprintf(stderr, "bkgen new app: %s is not published yet: run bkgen from a checkout of it, or give -framework DIR\n", frameworkModule)
		return 1
	}
	data := map[string]string{"Module": module, "Name": name, "Framework": fw, "GoVersion": goVersion(fw)}
	maps.Copy(data, chosen)
	start := time.Now()
	files, err := scaffold(data)
	if err != nil {
		fmt.Fprintln(stderr, "bkgen new app:", err)
		return 1
	}
	for rel, b := range files {
		p := filepath.Join(*dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(stderr, "bkgen new app:", err)
			return 1
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			fmt.Fprintln(stderr, "bkgen new app:", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "bkgen: wrote %d files in %s\n", len(files), *dir)
	if !*noGenerate {
		for _, step := range []struct {
			what  string
			args  []string
			quiet bool // its complaints are expected: generated/ does not exist yet
		}{
			{"resolving the dependencies (go mod tidy)", []string{"mod", "tidy", "-e"}, true},
			{"generating the code (go generate ./...)", []string{"generate", "./..."}, false},
			{"recording the dependencies of the generated code (go mod tidy)", []string{"mod", "tidy"}, false},
		} {
			fmt.Fprintf(stdout, "bkgen: %s…\n", step.what)
			cmd := exec.Command("go", step.args...)
			cmd.Dir = *dir
			var quiet strings.Builder
			cmd.Stdout, cmd.Stderr = stdout, stderr
			if step.quiet {
				cmd.Stdout, cmd.Stderr = &quiet, &quiet
			}
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(stderr, "%sbkgen new app: go %s in %s: %v\n", quiet.String(), strings.Join(step.args, " "), *dir, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stdout, "bkgen: %s is ready (%s). Next:\n  cd %s\n  make run     # http://localhost:8000/doc\n  make test\n", module, time.Since(start).Round(time.Second), *dir)
	return 0
}

// moduleNames are the modules -modules takes.
var moduleNames = []string{"counters", "connections", "messages", "locations", "icons"}

// chooseModules marks the modules of list in data (Mod_counters: "1", …).
func chooseModules(data map[string]string, list string) error {
	for _, m := range strings.Split(list, ",") {
		switch m = strings.TrimSpace(m); {
		case m == "":
		case m == "all":
			for _, n := range moduleNames {
				data["Mod_"+n] = "1"
			}
		case slices.Contains(moduleNames, m):
			data["Mod_"+m] = "1"
		default:
			return fmt.Errorf("-modules: no module %q (%s, or all)", m, strings.Join(moduleNames, ", "))
		}
	}
	if data["Mod_connections"] != "" || data["Mod_messages"] != "" {
		data["Mod_counters"] = "1" // they count in bk_counter
	}
	return nil
}

// scaffold renders templates/newapp for data.
func scaffold(data map[string]string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := fs.WalkDir(templates.FS, "newapp", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		t, err := template.ParseFS(templates.FS, p)
		if err != nil {
			return err
		}
		var b strings.Builder
		if err := t.Execute(&b, data); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "newapp/"), ".tmpl")
		if strings.TrimSpace(b.String()) == "" {
			return nil // a file the choices leave out (schema/modules.go without -modules)
		}
		switch {
		case rel == "gitignore":
			rel = ".gitignore"
		case strings.HasPrefix(rel, "cmd/"):
			rel = "cmd/" + data["Name"] + "/" + strings.TrimPrefix(rel, "cmd/")
		}
		out[rel] = []byte(b.String())
		return nil
	})
	return out, err
}

// findFramework returns the checkout of the framework around the current
// directory (bkgen run with go run from it), or "".
func findFramework() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			if strings.Contains(string(b), "module "+frameworkModule+"\n") {
				return dir
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// goVersion is the go directive of the framework's go.mod.
func goVersion(framework string) string {
	b, _ := os.ReadFile(filepath.Join(framework, "go.mod"))
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok {
			return strings.TrimSpace(v)
		}
	}
	return "1.26"
}
