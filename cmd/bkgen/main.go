// Command bkgen compiles a bkgen schema (schema/*.go) into generated code.
//
//	bkgen new app MODULE [-dir DIR]
//	bkgen generate [-schema ./schema] [-out ./generated]
//	bkgen check    [-schema ./schema] [-out ./generated]
//	bkgen version
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bkgen/bkgen/gen"
)

const usage = `bkgen compiles a schema of ent types with bkgen annotations into a typed store.

Usage:
  bkgen new app MODULE [-dir DIR]           create an application: a Go module with a schema, a main package and tests
  bkgen generate [-schema DIR] [-out DIR]   regenerate DIR (default ./generated) from the schema
  bkgen check    [-schema DIR] [-out DIR]   exit 1 when the generated files are stale
  bkgen version                             print the version
  bkgen help [COMMAND]                      show help

Run "bkgen COMMAND -h" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "generate", "gen":
		return generate(args[1:], stdout, stderr, false)
	case "check":
		return generate(args[1:], stdout, stderr, true)
	case "new":
		return newApp(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "bkgen", version())
		return 0
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			return run([]string{args[1], "-h"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "bkgen: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func generate(args []string, stdout, stderr io.Writer, check bool) int {
	name := "generate"
	if check {
		name = "check"
	}
	fs := flag.NewFlagSet("bkgen "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	schemaDir := fs.String("schema", "./schema", "schema package: a directory or import path")
	outDir := fs.String("out", "./generated", "output directory")
	quiet := fs.Bool("q", false, "print nothing but errors")
	appName := fs.String("name", "app", "the application's name (its binary and page titles)")
	fs.Usage = func() {
		what := "Compiles the schema package into the output directory (store, REST, GraphQL, jobs, openapi.yaml beside it)\nand creates the missing job handler files in -handlers."
		if check {
			what = "Exits 1, listing the files, when the output directory differs from what generate would write."
		}
		fmt.Fprintf(stderr, "Usage: bkgen %s [flags]\n\n%s\n\nFlags:\n", name, what)
		fs.PrintDefaults()
	}
	force := fs.Bool("force", false, "generate even when nothing it reads changed since the last run (see "+stampFile+")")
	handlers := fs.String("handlers", "", "directory of the application's main package: bkgen creates the job handler files there once (jobs.go, job_NAME.go) and never overwrites them")
	words, code, ok := parseArgs(fs, args, stderr)
	if !ok {
		return code
	}
	if len(words) > 0 {
		fmt.Fprintf(stderr, "bkgen %s: unexpected %q (flags are -name value; see bkgen %s -h)\n", name, words[0], name)
		return 2
	}
	start := time.Now()
	say := func(format string, a ...any) {
		if !*quiet {
			fmt.Fprintf(stdout, format, a...)
		}
	}
	if !check && !*force {
		if inputs, ok := inputsHash(*schemaDir, *outDir, args); ok && upToDate(*outDir, inputs) {
			say("bkgen: %s is up to date (nothing it reads changed; -force regenerates)\n", *outDir)
			return 0
		}
	}
	say("bkgen: loading schema %s\n", *schemaDir)
	m, err := gen.Load(*schemaDir)
	if err != nil {
		fmt.Fprintln(stderr, "bkgen:", strings.TrimSpace(err.Error()))
		return 1
	}
	for _, n := range m.Notes {
		fmt.Fprintln(stderr, "bkgen: note:", n)
	}
	m.Name = *appName
	if m.GenPkg, err = gen.ImportPath(*outDir); err != nil {
		fmt.Fprintln(stderr, "bkgen:", err)
		return 1
	}
	if m.OutDir, err = filepath.Abs(*outDir); err != nil {
		fmt.Fprintln(stderr, "bkgen:", err)
		return 1
	}
	say("bkgen: rendering %d tables and %d jobs\n", len(m.Tables), len(m.Jobs))
	files, err := gen.Render(m)
	if err != nil {
		fmt.Fprintln(stderr, "bkgen:", err)
		return 1
	}
	var owned map[string][]byte
	if *handlers != "" {
		owned = gen.Owned(m, gen.PackageName(*handlers, "main"))
	}
	if check {
		d := gen.Diff(*outDir, files)
		for _, p := range gen.MissingOwned(*handlers, owned) {
			d = append(d, p+" (handler file to create)")
		}
		if len(d) > 0 {
			fmt.Fprintf(stderr, "bkgen: %s is stale, run go generate ./...:\n  %s\n", *outDir, strings.Join(d, "\n  "))
			return 1
		}
		say("bkgen: %s is up to date (%d tables, %d jobs)\n", *outDir, len(m.Tables), len(m.Jobs))
		return 0
	}
	if err := gen.Write(*outDir, files); err != nil {
		fmt.Fprintln(stderr, "bkgen:", err)
		return 1
	}

	created, err := gen.WriteOwned(*handlers, owned)
	for _, p := range created {
		say("bkgen: created %s (yours: never overwritten)\n", p)
	}
	if err != nil {
		fmt.Fprintln(stderr, "bkgen:", err)
		return 1
	}
	// after the owned files are created: they are inputs next time
	if inputs, ok := inputsHash(*schemaDir, *outDir, args); ok {
		writeStamp(*outDir, inputs)
	}
	say("bkgen: %d tables, %d jobs, %d files in %s (%s)\n", len(m.Tables), len(m.Jobs), len(files), *outDir, time.Since(start).Round(time.Millisecond))
	return 0
}
