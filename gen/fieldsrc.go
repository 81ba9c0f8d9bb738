package gen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// fieldsrc.go reads, from the schema's Go source, how each field's
// validators and default functions were built, so that the generated store
// can write them out (runtime/db's copies of ent's validators, the
// functions the schema names) instead of calling the schema's Fields() at
// init.
//
// Why: entc/load cannot carry Go functions, so ent's generated runtime (and
// ours before this) imports the schema package and calls Fields(). That
// links every field builder the schema uses, and ent's builders reach
// reflect.Type.Method (field.UUID, JSON, Strings and GoType through
// goType, every Descriptor() through RType.Implements): the linker must
// then keep every exported method of every type converted to an interface
// in the whole program. That was 22 MB of a 74 MB server (the Redis
// client's commands, the AWS SDK's operations).
//
// A field whose chain this cannot read (a validator written as a closure, a
// default that is not a literal or a package-level name, a GoType)
// keeps the old way for its table, and bkgen says so (Model.Notes). The
// counts are checked against entc/load's: a chain read wrong falls back too.

// FieldSource is what generated code needs of one field's builder chain:
// its validators in the schema's order and its defaults (the last call of
// each wins, as in ent).
type FieldSource struct {
	Float                  bool // Positive and Negative are ±1e-06 for floats, ±1 for integers
	FuncDefault            bool // the builder's Default takes a function (times, UUIDs)
	Validators             []builderCall
	Default, UpdateDefault *builderCall
}

// builderCall is one method of an ent field builder with its arguments.
type builderCall struct {
	Method string
	Args   []srcArg
}

// srcArg is an argument generated code can write without the schema
// package's unexported names: a literal, a package-level name of an
// importable package, or a regexp compiled from a literal.
type srcArg struct {
	Lit       string // a Go literal as the schema wrote it ("x", 128, -1, true)
	Pkg, Name string // a package-level name: time.Now, bk.UnixMilliNow
	Regexp    bool   // regexp.MustCompile(Lit)
}

const entFieldPkg = "entgo.io/ent/schema/field"

// fieldCtors are the constructors of the builders whose validators and
// defaults generated code can write again (it writes no constructor: a
// UUID's second argument only gives the type, which the model has).
var fieldCtors = map[string]bool{
	"String": true, "Text": true, "Bytes": true, "Bool": true, "Time": true, "Enum": true,
	"Int": true, "Int8": true, "Int16": true, "Int32": true, "Int64": true,
	"Uint": true, "Uint8": true, "Uint16": true, "Uint32": true, "Uint64": true,
	"Float": true, "Float32": true, "UUID": true,
}

// validatorMethods are the builder methods that add one validator each.
var validatorMethods = map[string]bool{
	"MaxLen": true, "MinLen": true, "NotEmpty": true, "Match": true, "MaxRuneLen": true, "MinRuneLen": true,
	"Min": true, "Max": true, "Range": true, "Positive": true, "Negative": true, "NonNegative": true,
	"Validate": true,
}

// defaultMethods set a default; the last one of each kind wins, as in ent.
var defaultMethods = map[string]bool{"Default": true, "DefaultFunc": true, "UpdateDefault": true}

// srcPackage is one parsed package of the schema's source.
type srcPackage struct {
	path  string
	files []*ast.File
}

// schemaSource reads the Go source of the schema package at path (a
// directory or an import path) and of the packages it imports from the
// same module or its dependencies, on demand.
type schemaSource struct {
	files map[string][]string // import path -> its Go files in this build
	pkgs  map[string]*srcPackage
	fset  *token.FileSet
}

func newSchemaSource(path string) (*schemaSource, error) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \",\"}}", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %v: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	s := &schemaSource{files: map[string][]string{}, pkgs: map[string]*srcPackage{}, fset: token.NewFileSet()}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Split(l, "\t"); len(f) == 3 && f[2] != "" {
			for _, name := range strings.Split(f[2], ",") {
				s.files[f[0]] = append(s.files[f[0]], filepath.Join(f[1], name))
			}
		}
	}
	return s, nil
}

// pkg parses the package at an import path once (nil when it has no source).
func (s *schemaSource) pkg(path string) *srcPackage {
	if p, ok := s.pkgs[path]; ok {
		return p
	}
	var p *srcPackage
	if names, ok := s.files[path]; ok {
		p = &srcPackage{path: path}
		for _, n := range names {
			f, err := parser.ParseFile(s.fset, n, nil, parser.SkipObjectResolution)
			if err != nil {
				p = nil
				break
			}
			p.files = append(p.files, f)
		}
	}
	s.pkgs[path] = p
	return p
}

// fileImports maps a file's import names to paths.
func fileImports(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if is.Name != nil {
			name = is.Name.Name
		}
		m[name] = p
	}
	return m
}

// fieldsOf returns the element expressions of the []ent.Field that type
// typ's Fields() returns, each with its file; nil when it cannot tell.
func (s *schemaSource) fieldsOf(pkgPath, typ string) []srcExpr {
	return s.listOf(pkgPath, typ, "Fields")
}

// mixinFieldsOf returns the fields of the i-th mixin of type typ.
func (s *schemaSource) mixinFieldsOf(pkgPath, typ string, i int) []srcExpr {
	ms := s.listOf(pkgPath, typ, "Mixin")
	if i < 0 || i >= len(ms) {
		return nil
	}
	if pkg, name := literalType(ms[i]); name != "" {
		return s.fieldsOf(pkg, name)
	}
	return nil
}

// literalType is the type of a composite literal (T{}, &T{}, pkg.T{}).
func literalType(x srcExpr) (pkg, name string) {
	e := x.e
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return "", ""
	}
	switch t := cl.Type.(type) {
	case *ast.Ident:
		return x.pkg.path, t.Name
	case *ast.SelectorExpr:
		if id, ok := t.X.(*ast.Ident); ok {
			return fileImports(x.file)[id.Name], t.Sel.Name
		}
	}
	return "", ""
}

// listOf returns the element expressions of the list that type typ's method
// (Fields or Mixin) returns; nil when it cannot tell.
func (s *schemaSource) listOf(pkgPath, typ, method string) []srcExpr {
	p := s.pkg(pkgPath)
	if p == nil {
		return nil
	}
	for _, f := range p.files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Name != method || fd.Recv == nil || len(fd.Recv.List) != 1 || recvName(fd.Recv.List[0].Type) != typ {
				continue
			}
			return s.returned(p, f, fd, 0)
		}
	}
	// not declared here: promoted from the one embedded type that has it
	for _, f := range p.files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, sp := range gd.Specs {
				ts := sp.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if ts.Name.Name != typ || !ok {
					continue
				}
				for _, fl := range st.Fields.List {
					if len(fl.Names) > 0 {
						continue
					}
					t := fl.Type
					if st, ok := t.(*ast.StarExpr); ok {
						t = st.X
					}
					switch e := t.(type) {
					case *ast.Ident:
						if r := s.listOf(pkgPath, e.Name, method); r != nil {
							return r
						}
					case *ast.SelectorExpr:
						if x, ok := e.X.(*ast.Ident); ok {
							if ip, ok := fileImports(f)[x.Name]; ok && ip != "entgo.io/ent" {
								if r := s.listOf(ip, e.Sel.Name, method); r != nil {
									return r
								}
							}
						}
					}
				}
			}
		}
	}
	return nil
}

func recvName(e ast.Expr) string {
	if st, ok := e.(*ast.StarExpr); ok {
		e = st.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// srcExpr is an expression with the package and file it was written in.
type srcExpr struct {
	e    ast.Expr
	pkg  *srcPackage
	file *ast.File
}

// returned reads a function whose body is one return of a field list.
func (s *schemaSource) returned(p *srcPackage, f *ast.File, fd *ast.FuncDecl, depth int) []srcExpr {
	if fd.Body == nil || len(fd.Body.List) != 1 || depth > 8 {
		return nil
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return nil
	}
	return s.list(p, f, ret.Results[0], depth)
}

// list reads a field list: a []ent.Field{...} literal, append(list, fields...)
// or a call of a function of the same package that returns one.
func (s *schemaSource) list(p *srcPackage, f *ast.File, e ast.Expr, depth int) []srcExpr {
	switch e := e.(type) {
	case *ast.CompositeLit:
		out := make([]srcExpr, len(e.Elts))
		for i, el := range e.Elts {
			out[i] = srcExpr{el, p, f}
		}
		return out
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && len(e.Args) == 0 {
			// T{}.Fields(): another type's list
			if pkg, name := literalType(srcExpr{sel.X, p, f}); name != "" {
				return s.listOf(pkg, name, sel.Sel.Name)
			}
			return nil
		}
		id, ok := e.Fun.(*ast.Ident)
		if !ok {
			return nil
		}
		if id.Name == "append" {
			if len(e.Args) == 0 {
				return nil
			}
			head := s.list(p, f, e.Args[0], depth+1)
			if head == nil {
				return nil
			}
			if e.Ellipsis.IsValid() { // append(a, b...)
				if len(e.Args) != 2 {
					return nil
				}
				tail := s.list(p, f, e.Args[1], depth+1)
				if tail == nil {
					return nil
				}
				return append(head, tail...)
			}
			for _, a := range e.Args[1:] {
				head = append(head, srcExpr{a, p, f})
			}
			return head
		}
		for _, pf := range p.files {
			for _, d := range pf.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == id.Name {
					return s.returned(p, pf, fd, depth+1)
				}
			}
		}
	}
	return nil
}

// fieldSource reads one field's chain; ok is false when generated code
// cannot build it again (the caller then falls back to Fields()).
func fieldSource(x srcExpr) (*FieldSource, bool) {
	imp := fileImports(x.file)
	src := &FieldSource{}
	e := x.e
	for {
		call, ok := e.(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() {
			return nil, false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return nil, false
		}
		if id, ok := sel.X.(*ast.Ident); ok && imp[id.Name] == entFieldPkg {
			ctor := sel.Sel.Name
			if !fieldCtors[ctor] {
				return nil, false
			}
			src.Float, src.FuncDefault = ctor == "Float" || ctor == "Float32", ctor == "Time" || ctor == "UUID"
			// the schema's order: the chain was read from its end
			v := src.Validators
			for i, j := 0, len(v)-1; i < j; i, j = i+1, j-1 {
				v[i], v[j] = v[j], v[i]
			}
			return src, src.writable()
		}
		m := sel.Sel.Name
		if m == "GoType" || m == "ValueScanner" {
			return nil, false
		}
		if validatorMethods[m] || defaultMethods[m] {
			c := builderCall{Method: m}
			for _, a := range call.Args {
				arg, ok := argSource(a, imp, x.pkg.path)
				if !ok {
					return nil, false
				}
				c.Args = append(c.Args, arg)
			}
			switch {
			case validatorMethods[m]:
				src.Validators = append(src.Validators, c)
			case m == "UpdateDefault":
				if src.UpdateDefault == nil { // read from the end: the first seen is the last call
					src.UpdateDefault = &c
				}
			default:
				if src.Default == nil {
					src.Default = &c
				}
			}
		}
		e = sel.X
	}
}

// writable reports whether every default is of the form generated code
// writes: a function where ent takes a function, a value where it takes one.
func (s *FieldSource) writable() bool {
	for _, d := range []*builderCall{s.Default, s.UpdateDefault} {
		if d == nil {
			continue
		}
		if len(d.Args) != 1 || d.Args[0].Regexp || (s.takesFunc(d) && d.Args[0].Name == "") {
			return false
		}
	}
	for _, v := range s.Validators {
		if v.Method == "Validate" && (len(v.Args) != 1 || v.Args[0].Name == "") {
			return false
		}
	}
	return true
}

// takesFunc: DefaultFunc and UpdateDefault take a function, and so does the
// Default of a time or a UUID; every other Default takes a value.
func (s *FieldSource) takesFunc(d *builderCall) bool {
	return d.Method != "Default" || s.FuncDefault
}

// argSource reads an argument generated code can write again.
func argSource(e ast.Expr, imp map[string]string, pkgPath string) (srcArg, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		return srcArg{Lit: e.Value}, true
	case *ast.UnaryExpr:
		if l, ok := e.X.(*ast.BasicLit); ok && (e.Op == token.SUB || e.Op == token.ADD) && l.Kind != token.STRING {
			return srcArg{Lit: e.Op.String() + l.Value}, true
		}
	case *ast.Ident:
		if e.Name == "true" || e.Name == "false" {
			return srcArg{Lit: e.Name}, true
		}
		if ast.IsExported(e.Name) {
			return srcArg{Pkg: pkgPath, Name: e.Name}, true
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && imp[x.Name] != "" {
			return srcArg{Pkg: imp[x.Name], Name: e.Sel.Name}, true
		}
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && len(e.Args) == 1 {
			if x, ok := sel.X.(*ast.Ident); ok && imp[x.Name] == "regexp" && sel.Sel.Name == "MustCompile" {
				if l, ok := e.Args[0].(*ast.BasicLit); ok && l.Kind == token.STRING {
					return srcArg{Lit: l.Value, Regexp: true}, true
				}
			}
		}
	}
	return srcArg{}, false
}

// needsFunctions: the column has validators or defaults that are functions
// (Now and UUID columns are filled by the store itself).
func needsFunctions(c *Column) bool {
	return !c.Implicit && (c.Validators > 0 || (c.Default && !c.Now && !c.UUID) || c.UpdateDefault)
}

// readFieldSources sets Column.Src for the columns whose validators and
// defaults generated code can build without the schema package, and notes
// the ones it cannot.
func (m *Model) readFieldSources(path string) error {
	need := needsFunctions
	var needed bool
	for _, t := range m.Tables {
		for _, c := range t.Columns {
			needed = needed || need(c)
		}
	}
	if !needed {
		return nil
	}
	s, err := newSchemaSource(path)
	if err != nil {
		return err
	}
	m.useFieldSources(s, need)
	return nil
}

// useFieldSources sets Column.Src from s for the columns that need it.
func (m *Model) useFieldSources(s *schemaSource, need func(*Column) bool) {
	for _, t := range m.Tables {
		var own []srcExpr // the table's own Fields(), read once
		read := false
		for _, c := range t.Columns {
			if !need(c) {
				continue
			}
			why := ""
			var fields []srcExpr
			if c.Mixin >= 0 {
				fields = s.mixinFieldsOf(m.SchemaPkg, t.Schema, c.Mixin)
			} else {
				if !read {
					own, read = s.fieldsOf(m.SchemaPkg, t.Schema), true
				}
				fields = own
			}
			switch {
			case fields == nil && c.Mixin >= 0:
				why = fmt.Sprintf("the fields of %s's mixin %d are not a list bkgen can read", t.Schema, c.Mixin)
			case fields == nil:
				why = fmt.Sprintf("%s.Fields() is not a field list bkgen can read", t.Schema)
			case c.FieldIndex < 0 || c.FieldIndex >= len(fields):
				why = "its position in Fields() is unknown"
			default:
				src, ok := fieldSource(fields[c.FieldIndex])
				switch {
				case !ok:
					why = "its validators or defaults are not literals or package-level names"
				case src.validators() != c.Validators:
					why = fmt.Sprintf("bkgen reads %d validators where ent counts %d", src.validators(), c.Validators)
				default:
					c.Src = src
				}
			}
			if why != "" {
				m.Notes = append(m.Notes, fmt.Sprintf("%s.%s: the server calls %s.Fields() at start for its validators or defaults (%s), which makes the binary larger; see docs/schema.md", t.Name, c.Name, t.Schema, why))
			}
		}
	}
}

func (s *FieldSource) validators() int { return len(s.Validators) }

// validatorsCode is the column's validators in generated code: runtime/db's
// copies of ent's (runtime/db/validators.go), and the schema's own
// functions by name.
func (s *FieldSource) validatorsCode(c *Column) *jen.Statement {
	typ := c.Type.code
	vs := make([]jen.Code, len(s.Validators))
	for i, v := range s.Validators {
		args := make([]jen.Code, len(v.Args))
		for j, a := range v.Args {
			args[j] = a.code()
		}
		one, minusOne := jen.Lit(1), jen.Lit(-1)
		if s.Float {
			one, minusOne = jen.Op("1e-06"), jen.Op("-1e-06")
		}
		switch v.Method {
		case "Validate":
			vs[i] = args[0]
		case "MaxRuneLen", "MinRuneLen":
			vs[i] = jen.Qual(dbPkg, v.Method).Call(args...)
		case "Match":
			vs[i] = jen.Qual(dbPkg, "MatchRegexp").Call(args...)
		case "NotEmpty":
			vs[i] = jen.Qual(dbPkg, "MinLen").Types(typ()).Call(jen.Lit(1))
		case "Positive":
			vs[i] = jen.Qual(dbPkg, "Min").Types(typ()).Call(one)
		case "Negative":
			vs[i] = jen.Qual(dbPkg, "Max").Types(typ()).Call(minusOne)
		case "NonNegative":
			vs[i] = jen.Qual(dbPkg, "Min").Types(typ()).Call(jen.Lit(0))
		default: // MaxLen, MinLen, Min, Max, Range
			vs[i] = jen.Qual(dbPkg, v.Method).Types(typ()).Call(args...)
		}
	}
	return jen.Index().Func().Params(typ()).Error().Values(vs...)
}

// defaultCode is a default in generated code: the function the schema
// named, or db.Constant of the value it gave.
func (s *FieldSource) defaultCode(c *Column, d *builderCall) *jen.Statement {
	if s.takesFunc(d) {
		return jen.Add(d.Args[0].code())
	}
	return jen.Qual(dbPkg, "Constant").Types(c.Type.code()).Call(d.Args[0].code())
}

func (a srcArg) code() jen.Code {
	switch {
	case a.Regexp:
		return jen.Qual("regexp", "MustCompile").Call(jen.Op(a.Lit))
	case a.Name != "":
		return jen.Qual(a.Pkg, a.Name)
	}
	return jen.Op(a.Lit) // the literal as the schema wrote it
}
