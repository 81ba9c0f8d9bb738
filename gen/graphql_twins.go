package gen

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// rewriteExec is gqlgen's exec.go as bkgen writes it: the tables' objects
// written as rows (rowObjects), then each method that has a twin merged
// into it (mergeTwins).
func rewriteExec(exec []byte, r *REST) []byte {
	f := execFuncs(exec)
	rowObjects(f, r)
	f.mergeTwins()
	f.rootFields() // last: its cases name the root fields' methods without calling them
	return f.join()
}

// mergeTwins removes each executionContext method whose text but for its
// name is another's, calling the other instead, until no two are alike: once
// two methods are merged, their callers can become twins in turn.
//
// gqlgen writes a method for each field and each type where one for each
// shape would do: the field context and arguments of putTodo, updateTodo and
// incrTodo are addTodo's, every table's filter (TodoCond) decodes a gql.Cond
// the same way, and so does every string column's field context of a module
// object. In the example schema that is 203 of 932 methods; per table, a
// dozen functions of the binary and the build (issue 16). The first of twins
// in the file is kept, with a comment naming the others; the text compared
// is the whole method, so merged methods do the same thing.
func (f *execFile) mergeTwins() {
	also := map[string][]string{} // the methods merged into each kept one
	for {
		names := make([]string, 0, len(f.funcs))
		for name := range f.funcs {
			names = append(names, name)
		}
		sort.Slice(names, func(i, j int) bool { return f.funcs[names[i]] < f.funcs[names[j]] })
		kept := map[string]string{} // a method's text without its name → the method kept
		merged := map[string]string{}
		for _, name := range names {
			fn, ok := f.method(name)
			if !ok {
				continue
			}
			text := strings.Replace(string(fn), ecMethod+name+"(", ecMethod+"(", 1)
			if first, ok := kept[text]; ok {
				merged[name] = first
			} else {
				kept[text] = name
			}
		}
		if len(merged) == 0 {
			break
		}
		for name, into := range merged {
			f.drop(name)
			also[into] = append(append(also[into], name), also[name]...)
			delete(also, name)
		}
		for i, piece := range f.pieces {
			f.pieces[i] = renameCalls(piece, merged)
		}
	}
	for name, others := range also {
		sort.Strings(others)
		list := strings.Join(others, ", ")
		if len(others) > 4 {
			list = fmt.Sprintf("%s and %d more", strings.Join(others[:4], ", "), len(others)-4)
		}
		i := f.funcs[name]
		note := fmt.Sprintf("// %s is also %s: their text was the same (bkgen merges twins).\n", name, list)
		if bytes.HasPrefix(f.pieces[i], []byte("//go:")) {
			note += "//\n" // gofmt's line between a comment and a directive
		}
		f.pieces[i] = append([]byte(note), f.pieces[i]...)
	}
}

// method is the text of the method name (with its //go:noinline mark), to
// the brace that closes it.
func (f *execFile) method(name string) ([]byte, bool) {
	fn, _, ok := bytes.Cut(f.body(name), []byte("\n}\n"))
	return fn, ok
}

// renameCalls replaces, in piece, each ec.NAME of a merged method by the
// method it was merged into (calls and method values alike).
func renameCalls(piece []byte, merged map[string]string) []byte {
	var out []byte
	rest := piece
	for {
		i := bytes.Index(rest, []byte("ec."))
		if i < 0 {
			break
		}
		start := i + len("ec.")
		end := start
		for end < len(rest) && isIdentByte(rest[end]) {
			end++
		}
		into, ok := merged[string(rest[start:end])]
		if !ok || (i > 0 && isIdentByte(rest[i-1])) {
			out = append(out, rest[:end]...)
			rest = rest[end:]
			continue
		}
		out = append(append(out, rest[:start]...), into...)
		rest = rest[end:]
	}
	if out == nil {
		return piece
	}
	return append(out, rest...)
}

// isIdentByte: a byte of a Go identifier; gqlgen's mangled names are made of
// runes beyond ASCII (ᚐ, ᚖ), all of whose bytes are ≥ 0x80.
func isIdentByte(b byte) bool {
	return b == '_' || b >= 0x80 || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
}
