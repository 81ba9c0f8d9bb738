package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// stampFile, in the output directory, records what the last generate read
// and wrote; when neither changed since, generate has nothing to do and
// returns at once instead of loading the schema and rendering again. It is
// not part of the output (gen.Write and gen.Diff ignore it; git too).
const stampFile = ".bkgen-stamp"

// inputsHash covers everything a generate reads: this bkgen (its own bytes:
// the generator, its templates and the annotations it decodes), its flags,
// and the Go sources, go.mod and go.sum of the module around the schema
// (the schema and whatever it imports from its module), leaving out the
// output directory.
func inputsHash(schemaDir, outDir string, args []string) (string, bool) {
	h := sha256.New()
	exe, err := os.Executable()
	if err != nil {
		return "", false
	}
	if !hashFile(h, exe) {
		return "", false
	}
	io.WriteString(h, strings.Join(args, "\x00")+"\x01")
	root := moduleRoot(schemaDir)
	if root == "" {
		return "", false
	}
	out, _ := filepath.Abs(outDir)
	var files []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == out || (p != root && (strings.HasPrefix(name, ".") || name == "vendor" || name == "node_modules" || name == "testdata")) {
				return filepath.SkipDir
			}
			if p != root {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") || name == "go.mod" || name == "go.sum" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil || !hashFiles(h, files) {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// outputsHash covers the files under the output directory (but the stamp):
// a generated file edited or removed by hand means generating again.
func outputsHash(outDir string) (string, bool) {
	h := sha256.New()
	var files []string
	err := filepath.WalkDir(outDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() != stampFile {
			files = append(files, p)
		}
		return nil
	})
	if err != nil || !hashFiles(h, files) {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// hashFiles writes the names and contents of files, sorted, to h.
func hashFiles(h io.Writer, files []string) bool {
	sort.Strings(files)
	for _, f := range files {
		io.WriteString(h, f+"\x00")
		if !hashFile(h, f) {
			return false
		}
	}
	return true
}

func hashFile(h io.Writer, path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err == nil
}

// moduleRoot is the directory of the go.mod above dir ("" when none).
func moduleRoot(dir string) string {
	d, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// upToDate reports whether the stamp in outDir says that nothing generate
// reads or writes changed since it last ran.
func upToDate(outDir, inputs string) bool {
	b, err := os.ReadFile(filepath.Join(outDir, stampFile))
	if err != nil {
		return false
	}
	in, out, ok := strings.Cut(strings.TrimSpace(string(b)), " ")
	if !ok || in != inputs {
		return false
	}
	now, ok := outputsHash(outDir)
	return ok && now == out
}

// writeStamp records inputs and the output as written.
func writeStamp(outDir, inputs string) {
	if out, ok := outputsHash(outDir); ok {
		os.WriteFile(filepath.Join(outDir, stampFile), []byte(inputs+" "+out+"\n"), 0o644)
	}
}
