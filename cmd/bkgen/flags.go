package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/bkgen/bkgen/runtime/config"
)

// parseArgs parses the flags of a command, which may come before, between
// or after its words (bkgen new app -dir x MODULE -force). It returns the
// words, or an exit code: 0 after -h, 2 after an error, which names the
// nearest flag for an unknown one.
func parseArgs(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, int, bool) {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		name, _, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !hasVal && !(ok && b.IsBoolFlag()) {
				i++ // its value
			}
			continue
		}
		if best, ok := config.Nearest(name, names); ok {
			fmt.Fprintf(stderr, "%s: unknown flag -%s; did you mean -%s?\n", fs.Name(), name, best)
		} else {
			fmt.Fprintf(stderr, "%s: unknown flag -%s (see %s -h)\n", fs.Name(), name, fs.Name())
		}
		return nil, 2, false
	}
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return words, 0, true
		}
		words, args = append(words, args[0]), args[1:]
	}
}
