package gen

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"go/format"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"entgo.io/ent/entc/load"
	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/imports"

	"github.com/bkgen/bkgen/templates"
)

// Load reads the schema package at path (a directory or import path) with
// entc/load and builds the model.
func Load(path string) (*Model, error) {
	spec, err := (&load.Config{Path: path}).Load()
	if err != nil {
		return nil, fmt.Errorf("loading schema %s: %w", path, err)
	}
	m, err := BuildModel(spec)
	if err != nil {
		return nil, err
	}
	if err := m.readFieldSources(path); err != nil {
		return nil, err
	}
	return m, nil
}

// addJen renders each jennifer file of files into out, under dir.
func addJen(out map[string][]byte, pkg *Packages, dir string, files map[string]*jen.File) error {
	for name, f := range files {
		// named, jennifer writes no alias for a package it would otherwise
		// have to guess the name of (it imports only what a file uses); the two
		// rest packages are named where they meet (gen/handler.go, resolvers.go)
		f.ImportNames(map[string]string{
			dbPkg: "db", authPkg: "auth", webPkg: "web", gqlPkg: "gql", driversPkg: "drivers", pubsubPkg: "pubsub", uuidPkg: "uuid", jxPkg: "jx",
			pkg.Store: "store", pkg.Rules: "rules",
		})
		var buf bytes.Buffer
		if err := f.Render(&buf); err != nil {
			return fmt.Errorf("rendering %s/%s: %w", dir, name, err)
		}
		b, err := tidyGo(filepath.Join(dir, name), buf.Bytes())
		if err != nil {
			return err
		}
		out[filepath.Join(dir, name)] = b
	}
	return nil
}

// tidyGo formats generated Go as goimports would: the standard library's
// imports in a group of their own. It adds and removes no import.
func tidyGo(name string, src []byte) ([]byte, error) {
	b, err := imports.Process(name, src, &imports.Options{Comments: true, TabIndent: true, TabWidth: 8, FormatOnly: true})
	if err != nil {
		return nil, fmt.Errorf("formatting %s: %w", name, err)
	}
	return b, nil
}

// DefaultGenPkg is the import path of this repository's generated code.
const DefaultGenPkg = "github.com/bkgen/bkgen/generated"

// Packages are the import paths of the generated packages, for the
// emitters: decided from Model.GenPkg before any of them runs, and reached
// through the model and its tables (Model.Pkg, Table.Pkg).
type Packages struct {
	Store, Rules, Rest, Jobs string
}

// decidePackages sets m.Pkg and each table's Pkg and own package from
// m.GenPkg.
func (m *Model) decidePackages() {
	base := m.GenPkg
	if base == "" {
		base = DefaultGenPkg
	}
	m.Pkg = &Packages{Store: base + "/store", Rules: base + "/rules", Rest: base + "/rest", Jobs: base + "/jobs"}
	for _, t := range m.Tables {
		t.Pkg = m.Pkg
		t.OwnPkgName = ownPkgName(t.Name)
		t.OwnPkg = m.Pkg.Store + "/" + t.OwnPkgName
	}
}

// storeParts is how many packages the tables' code is spread over.
const storeParts = 16

// ownPkgName is the package under generated/store that holds the code of
// the table named name: one of storeParts, chosen by a hash of the name, so
// that a table stays where it is when others come or go. Why not one package
// per table: a package of ours that instantiates the drivers compiles ~300
// shared functions (the generic parts of sync.Map, pgx's pool, db.Opt) again
// whatever it holds, ~0.3 s each, which at 69 tables made a whole build of
// the application 28% slower (docs/development.md).
func ownPkgName(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("tables%02d", h.Sum32()%storeParts)
}

// Render returns every generated file, by path relative to the output
// directory, gofmt'ed. Same model, same bytes.
func Render(m *Model) (map[string][]byte, error) {
	m.decidePackages()
	r := &rendering{m: m, rest: BuildREST(m), out: map[string][]byte{}, graphql: make(chan graphqlOut, 1)}
	// generated/graphql takes most of the time, half of it waiting for
	// gqlgen's loading of packages (go list): it reads only the model and the
	// routes, so it runs beside the other emitters and its files join the
	// output in its place. Render waits for it whatever happens, since gqlgen
	// works in a scratch directory under the output that it removes at the end.
	go func() {
		files, err := graphqlFiles(r.m, r.rest)
		r.graphql <- graphqlOut{files, err}
	}()
	waited := false
	defer func() {
		if !waited {
			<-r.graphql
		}
	}()
	for _, e := range emitters {
		if e.name == "graphql" {
			waited = true
		}
		if err := e.emit(r); err != nil {
			return nil, fmt.Errorf("%s: %w", e.name, err)
		}
	}
	return r.out, nil
}

type graphqlOut struct {
	files map[string][]byte
	err   error
}

// rendering is what the emitters share: the model, the routes decided from
// it, the files so far, and the OpenAPI spec (ogen and the server read it).
type rendering struct {
	m    *Model
	rest *REST
	out  map[string][]byte
	spec []byte
	// graphql delivers generated/graphql, rendered beside the other emitters
	graphql chan graphqlOut
}

// emitters are the outputs, in order, each from one file of gen/.
var emitters = []struct {
	name string
	emit func(r *rendering) error
}{
	{"store", emitStore},        // store.go: generated/store
	{"openapi", emitOpenAPI},    // rest.go: openapi.yaml, the documented API
	{"rest", emitREST},          // rest_rules.go, writes.go: generated/rules; handler.go, rest_*.go: generated/rest
	{"graphql", emitGraphQL},    // graphql.go, resolvers.go: generated/graphql
	{"jobs", emitJobs},          // jobs.go: generated/jobs
	{"server", emitServer},      // the templates: generated/server
	{"client", emitClient},      // client.go: generated/client
	{"client-ts", emitClientTS}, // client_ts.go: generated/client/ts
}

func emitStore(r *rendering) error {
	files, err := storeFiles(r.m)
	if err != nil {
		return err
	}
	if err := addJen(r.out, r.m.Pkg, "store", files); err != nil {
		return err
	}
	doc, err := renderTemplateFuncs("store_doc.go.tmpl", r.m, true)
	r.out[filepath.Join("store", "doc.go")] = doc
	return err
}

func emitOpenAPI(r *rendering) error {
	spec, err := renderOpenAPI(r.m)
	if err != nil {
		return err
	}
	r.spec, r.out[OpenAPIFile] = spec, spec
	return nil
}

func emitREST(r *rendering) error {
	if err := addJen(r.out, r.m.Pkg, "rules", rulesFiles(r.rest)); err != nil {
		return err
	}
	hf := handlerFiles(r.m, r.rest)
	hf["handler.go"] = handlerFile(r.m, r.rest)
	return addJen(r.out, r.m.Pkg, "rest", hf)
}

func emitGraphQL(r *rendering) error {
	g := <-r.graphql
	for name, b := range g.files {
		r.out[name] = b
	}
	return g.err
}

func emitJobs(r *rendering) error {
	return addJen(r.out, r.m.Pkg, "jobs", map[string]*jen.File{"jobs.go": jobsFile(r.m)})
}

// emitServer renders generated/server: the App glue that the binary runs,
// with the spec again beside the code that embeds it (go:embed cannot reach
// the repository root), the doc page and /account/*.
func emitServer(r *rendering) error {
	m := r.m
	r.out[filepath.Join("server", "openapi.yaml.gz")] = gzipped(r.spec)
	hasAuth, err := authTable(m)
	if err != nil {
		return err
	}
	profile, err := accountTable(m, hasAuth)
	if err != nil {
		return err
	}
	mods, err := modulesOf(m, profile != nil)
	if err != nil {
		return err
	}
	data := map[string]any{"Gen": genBase(m), "Jobs": m.Jobs, "Name": m.Name, "SchemaPkg": m.SchemaPkg, "REST": r.rest, "Controls": ControlParams, "HasAuth": hasAuth, "HasAccount": profile != nil, "Profile": profile, "Mod": mods}
	for _, f := range []struct {
		tmpl, file string
		goCode     bool
	}{{"account.go.tmpl", "account.go", true}, {"modules.go.tmpl", "modules.go", true}, {"doc.html.tmpl", "doc.html.gz", false}, {"app.go.tmpl", "app.go", true}} {
		if f.file == "account.go" && profile == nil || f.file == "modules.go" && !mods.Any() {
			continue
		}
		b, err := renderTemplateFuncs(f.tmpl, data, f.goCode)
		if err != nil {
			return err
		}
		if strings.HasSuffix(f.file, ".gz") {
			b = gzipped(b)
		}
		r.out[filepath.Join("server", f.file)] = b
	}
	return nil
}

var templateFuncs = template.FuncMap{"oasType": OASType, "inType": InType, "doc": Doc, "typeName": TypeName, "gqlType": GQLType, "plural": Plural, "nullable": func(c *Column) bool { return c.Nillable }, "jsonCols": jsonCols, "replyType": replyType}

// replyType is OASType with the description, for a column in a reply: bytes
// are a base64 string there, so that ogen makes the field optional (a
// []byte field is always written, as null when hidden).
func replyType(c *Column) string {
	if c.Kind == KindBytes {
		return `{type: string, description: "` + Doc(c) + ` (base64)"}`
	}
	return OASType(c, true)
}

// jsonCols returns the JSON columns of cols: JSON bodies take them, flat
// forms and queries do not.
func jsonCols(cols []*Column) []*Column {
	var out []*Column
	for _, c := range cols {
		if c.Type.JSON {
			out = append(out, c)
		}
	}
	return out
}

func renderTemplateFuncs(name string, data any, gofmt bool) ([]byte, error) {
	t, err := template.New(name).Funcs(templateFuncs).ParseFS(templates.FS, name)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	if !gofmt {
		return buf.Bytes(), nil
	}
	b, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return b, nil
}

func genBase(m *Model) string {
	if m.GenPkg == "" {
		return DefaultGenPkg
	}
	return m.GenPkg
}

// Owned returns the files of the application that bkgen creates once and
// never overwrites (the job handlers), for a directory of package pkg.
func Owned(m *Model, pkg string) map[string][]byte {
	m.decidePackages()
	return ownedFiles(m, pkg)
}

// WriteOwned creates the owned files missing under dir and returns their
// paths; existing files are the user's and are left alone.
func WriteOwned(dir string, files map[string][]byte) ([]string, error) {
	var created []string
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, n)
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return created, err
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return created, err
		}
		created = append(created, p)
	}
	return created, nil
}

// MissingOwned lists the owned files that do not exist under dir.
func MissingOwned(dir string, files map[string][]byte) []string {
	var missing []string
	for n := range files {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			missing = append(missing, filepath.Join(dir, n))
		}
	}
	sort.Strings(missing)
	return missing
}

// PackageName returns the package name of the Go files in dir, or def.
func PackageName(dir, def string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return def
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(strings.TrimSpace(line), "package "); ok {
				return strings.TrimSpace(name)
			}
		}
	}
	return def
}

// OpenAPIFile is where the spec goes, relative to the output directory's
// parent (the repository root).
const OpenAPIFile = "../openapi.yaml"

func renderOpenAPI(m *Model) ([]byte, error) {
	return renderTemplateFuncs("openapi.yaml.tmpl", map[string]any{"SchemaPkg": m.SchemaPkg, "REST": BuildREST(m), "Controls": ControlParams}, false)
}

// generated reports whether b is a file bkgen (or ogen, run by bkgen)
// wrote, which bkgen may overwrite or delete: the mark is in its first
// lines (HTML puts a doctype before it).
// gzipped compresses an asset the binary embeds (the spec and the doc page
// grow with every table, ~15 KB and ~6 KB each, and compress ~15 times). The
// header carries our generated mark, so that Write may replace the file and
// remove it when it is no longer produced.
func gzipped(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression) // errs only on a bad level
	zw.Comment = "Code generated by bkgen. DO NOT EDIT."
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// same reports whether a file's old bytes hold what b holds: a gzipped
// asset is compared by its content, so that another Go release compressing
// differently does not make generated/ stale.
func same(name string, old, b []byte) bool {
	if bytes.Equal(old, b) {
		return true
	}
	if !strings.HasSuffix(name, ".gz") {
		return false
	}
	x, err1 := gunzip(old)
	y, err2 := gunzip(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func generated(b []byte) bool {
	head := b[:min(len(b), 256)]
	return bytes.Contains(head, []byte("Code generated by bkgen. DO NOT EDIT.")) || bytes.Contains(head, []byte("Code generated by ogen, DO NOT EDIT.")) ||
		bytes.Contains(head, []byte("Code generated by github.com/99designs/gqlgen, DO NOT EDIT."))
}

// Write writes files under dir, and removes generated files of ours that are
// no longer produced (a table dropped from the schema). Files without the
// generated mark are never touched.
func Write(dir string, files map[string][]byte) error {
	dirs := map[string]bool{}
	for name, b := range files {
		p := filepath.Join(dir, name)
		dirs[filepath.Dir(p)] = true
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if old, err := os.ReadFile(p); err == nil {
			if same(name, old, b) {
				continue
			}
			if !generated(old) {
				return fmt.Errorf("%s exists and was not generated by bkgen: refusing to overwrite it", p)
			}
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	for _, rel := range leftovers(dir, dirs, files) {
		if err := os.Remove(filepath.Join(dir, rel)); err != nil {
			return err
		}
		os.Remove(filepath.Dir(filepath.Join(dir, rel))) // only if now empty
	}
	return nil
}

// leftovers lists, in the directories files are written to, our generated
// files that files no longer has (a table dropped from the schema).
func leftovers(dir string, dirs map[string]bool, files map[string][]byte) []string {
	// a package no longer generated at all (generated/api, which ogen made
	// before issue 16) is a directory of dir that nothing is written to, and
	// a part of the tables' code left without tables (generated/store/tables13)
	// a directory of one of those
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			pkg := filepath.Join(dir, e.Name())
			dirs[pkg] = true
			subs, _ := os.ReadDir(pkg)
			for _, s := range subs {
				if s.IsDir() {
					dirs[filepath.Join(pkg, s.Name())] = true
				}
			}
		}
	}
	var out []string
	for d := range dirs {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			p := filepath.Join(d, e.Name())
			rel, _ := filepath.Rel(dir, p)
			if _, ok := files[rel]; ok || e.IsDir() || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			if b, err := os.ReadFile(p); err == nil && generated(b) {
				out = append(out, rel)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Diff compares files with what is under dir and lists the paths that
// differ or are missing, and our generated files that should not be there.
func Diff(dir string, files map[string][]byte) []string {
	var diffs []string
	dirs := map[string]bool{}
	for name, b := range files {
		p := filepath.Join(dir, name)
		dirs[filepath.Dir(p)] = true
		old, err := os.ReadFile(p)
		if err != nil || !same(name, old, b) {
			diffs = append(diffs, name)
		}
	}
	for _, rel := range leftovers(dir, dirs, files) {
		diffs = append(diffs, rel+" (no longer generated)")
	}
	sort.Strings(diffs)
	return diffs
}

// authTable reports whether the schema declares bk_auth, checking that it
// has what request signatures need.
func authTable(m *Model) (bool, error) {
	for _, t := range m.Tables {
		if t.Name != "bk_auth" {
			continue
		}
		if len(t.Keys) != 1 || t.Keys[0].Name != "login" {
			return false, fmt.Errorf("%s: bk_auth must have the single key column login", t.Pos)
		}
		want := map[string]string{"id": "string", "name": "string", "type": "string", "secret": "string", "auth_secret": "string", "token_secret": "string", "password": "string", "expires": "int64"}
		for _, c := range t.Columns {
			if w, ok := want[c.Name]; ok && c.Type.Ident == w && !c.Nillable {
				delete(want, c.Name)
			}
		}
		if len(want) > 0 {
			var missing []string
			for n, ty := range want {
				missing = append(missing, n+" ("+ty+")")
			}
			sort.Strings(missing)
			return false, fmt.Errorf("%s: bk_auth lacks the columns %s", t.Pos, strings.Join(missing, ", "))
		}
		return true, nil
	}
	return false, nil
}

// accountTable returns the profile columns of bk_account (those a request
// may set: strings, not the key, login or time columns), or nil when the
// schema has no bk_account; /account/* needs bk_auth too.
func accountTable(m *Model, hasAuth bool) ([]*Column, error) {
	for _, t := range m.Tables {
		if t.Name != "bk_account" {
			continue
		}
		if !hasAuth {
			return nil, fmt.Errorf("%s: bk_account needs a bk_auth table", t.Pos)
		}
		if len(t.Keys) != 1 || t.Keys[0].Name != "id" || t.Keys[0].Type.Ident != "string" {
			return nil, fmt.Errorf("%s: bk_account must have the single string key id (the bk_auth id)", t.Pos)
		}
		var profile []*Column
		hasLogin := false
		for _, c := range t.Columns {
			switch {
			case c.Name == "login":
				hasLogin = c.Type.Ident == "string"
			case c.KeyPos > 0 || c.Now || c.Immutable || c.Secure:
			case c.Type.Ident != "string" || c.Nillable:
				return nil, fmt.Errorf("%s: bk_account column %s must be a string (profile columns are set from request parameters)", t.Pos, c.Name)
			default:
				profile = append(profile, c)
			}
		}
		if !hasLogin {
			return nil, fmt.Errorf("%s: bk_account needs a string login column", t.Pos)
		}
		return profile, nil
	}
	return nil, nil
}

// ImportPath returns the Go import path of dir, from the go.mod above it
// (dir need not exist yet).
func ImportPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			mod := modulePath(b)
			if mod == "" {
				return "", fmt.Errorf("%s: no module line", filepath.Join(d, "go.mod"))
			}
			rel, err := filepath.Rel(d, abs)
			if err != nil {
				return "", err
			}
			if rel == "." {
				return mod, nil
			}
			return mod + "/" + filepath.ToSlash(rel), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", abs)
		}
	}
}

func modulePath(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}
