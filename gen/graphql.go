package gen

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	gqlapi "github.com/99designs/gqlgen/api"
	gqlconfig "github.com/99designs/gqlgen/codegen/config"
	"github.com/dave/jennifer/jen"
)

// GQLType is the GraphQL scalar of a column.
func GQLType(c *Column) string { return kinds[c.Kind].gql } // uuids and enums are strings, bytes base64

// Plural names the list query of a table: todo -> todos.
func Plural(name string) string {
	if strings.HasSuffix(name, "s") || strings.HasSuffix(name, "x") {
		return name + "es"
	}
	return name + "s"
}

// graphqlFiles renders generated/graphql: the schema, gqlgen's executable
// schema and models, and the resolvers on the typed store.
func graphqlFiles(m *Model, r *REST) (map[string][]byte, error) {
	schema, err := renderTemplateFuncs("schema.graphqls.tmpl", map[string]any{"SchemaPkg": m.SchemaPkg, "Tables": r.Tables}, false)
	if err != nil {
		return nil, err
	}
	mods, err := modulesOf(m, true) // the server's emitter says when bk_account is missing
	if err != nil {
		return nil, err
	}
	schema = append(schema, moduleSchema(mods)...)
	exec, models, err := runGqlgen(schema, m.OutDir, sharedModels(r))
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{
		filepath.Join("graphql", "schema.graphqls"): schema,
		filepath.Join("graphql", "exec.go"):         rewriteExec(exec, r),
		filepath.Join("graphql", "models.go"):       models,
	}
	if err := addJen(out, m.Pkg, "graphql", map[string]*jen.File{"resolvers.go": resolversFile(m, r, mods)}); err != nil {
		return nil, err
	}
	return out, nil
}

// runGqlgen runs gqlgen (through its Go API) on the schema and returns the
// executable schema and the models. gqlgen writes files and needs them in
// the module, so it runs in a scratch directory under generated/graphql; the
// scratch path, which gqlgen puts in some function names, is replaced by the
// real one, so the output is byte-identical to a run in place.
func runGqlgen(schema []byte, outDir string, shared map[string]string) (exec, models []byte, err error) {
	if outDir == "" {
		root, err := moduleRoot()
		if err != nil {
			return nil, nil, err
		}
		outDir = filepath.Join(root, "generated")
	}
	b := make([]byte, 4)
	rand.Read(b)
	base := "_bkgen_gqlgen_" + hex.EncodeToString(b)
	dir := filepath.Join(outDir, "graphql", base)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "schema.graphqls"), schema, 0o644); err != nil {
		return nil, nil, err
	}
	cfg := gqlconfig.DefaultConfig()
	cfg.SchemaFilename = gqlconfig.StringList{filepath.Join(dir, "schema.graphqls")}
	cfg.Exec = gqlconfig.ExecConfig{Filename: filepath.Join(dir, "exec.go"), Package: "graphql"}
	cfg.Model = gqlconfig.PackageConfig{Filename: filepath.Join(dir, "models.go"), Package: "graphql"}
	cfg.SkipModTidy = true // go.mod is the user's: gqlgen must not rewrite it (and the app may not build before generate)
	// the one complexity rule (a list costs its children times its page
	// size) is runtime/gql's, decided from the schema: gqlgen's per-field
	// complexity table would be ~170 lines per table (issue 16)
	cfg.OmitComplexity = true
	// the generated package is compiled right after (and by the stale
	// test): gqlgen's own build of it in the scratch directory is a second
	// compile of the largest package, never cached (the path is new)
	cfg.SkipValidation = true
	cfg.Models = gqlconfig.TypeMap{
		// errors in our words, and times take what REST takes (a date,
		// Unix ms): runtime/gql/scalars.go
		"Int64": {Model: gqlconfig.StringList{"github.com/bkgen/bkgen/runtime/gql.Int64"}},
		"Time":  {Model: gqlconfig.StringList{"github.com/bkgen/bkgen/runtime/gql.Time"}},
	}
	for name, model := range shared {
		cfg.Models[name] = gqlconfig.TypeMapEntry{Model: gqlconfig.StringList{model}}
	}
	if err := gqlconfig.CompleteConfig(cfg); err != nil {
		return nil, nil, fmt.Errorf("gqlgen config: %w", err)
	}
	if err := gqlapi.Generate(cfg); err != nil {
		return nil, nil, fmt.Errorf("gqlgen: %w", err)
	}
	if exec, err = os.ReadFile(filepath.Join(dir, "exec.go")); err != nil {
		return nil, nil, err
	}
	if models, err = os.ReadFile(filepath.Join(dir, "models.go")); err != nil {
		return nil, nil, err
	}
	fix := func(b []byte) []byte {
		b = bytes.ReplaceAll(b, []byte("ᚋ"+base+"ᚐ"), []byte("ᚐ"))
		// the embedded source's name is its path from the working directory
		return sourceName.ReplaceAll(b, []byte(`{Name: "schema.graphqls"`))
	}
	return noInline(fix(exec)), fix(models), nil
}

// perField are the executor's per-field functions: a field context and the
// marshalers and unmarshalers of each type (gqlgen writes them once per
// field or type, and calls them from every field that has the type).
var perField = regexp.MustCompile(`\n\n?(func \(ec \*executionContext\) (?:fieldContext_|marshal|unmarshal))`)

// noInline marks the executor's per-field functions //go:noinline. The
// compiler otherwise inlines each into every caller (a field context into
// each parent's child switch, a marshaler into each field of its type), and
// generated/graphql, the largest package, took the most memory of the whole
// build: at 50 synthetic tables (+19) 1.56 GB and 18 s, against 1.44 GB and 13 s with these
// not inlined (bench/scale.sh; issue 16). A call more per field costs
// nothing next to the executor's own work per field.
func noInline(exec []byte) []byte {
	return perField.ReplaceAll(exec, []byte("\n\n//go:noinline\n$1"))
}

// sharedModels binds the GraphQL types that are the same for every table
// to one Go type each, so that gqlgen writes no Go type of them per table:
// the column enums and the operators are strings (the schema's validation
// keeps them to the enum's values, and the store refuses an unknown
// column), the condition inputs are gql.Cond.
func sharedModels(r *REST) map[string]string {
	out := map[string]string{"Op": gqlStringModel}
	for _, t := range r.Tables {
		out[t.GoName+"Column"] = gqlStringModel
		out[t.GoName+"Cond"] = gqlPkg + ".Cond"
	}
	return out
}

// gqlStringModel is gqlgen's Go model of the String scalar.
const gqlStringModel = "github.com/99designs/gqlgen/graphql.String"

var sourceName = regexp.MustCompile(`\{Name: "[^"]*schema\.graphqls"`)

// moduleRoot is the directory of the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("gqlgen: no go.mod above the working directory")
		}
		dir = parent
	}
}
