package gen

import (
	"fmt"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"
)

// testSource reads gen/testdata/fieldsrc as the packages example.com/schema
// and example.com/base, without go list.
func testSource(t *testing.T) *schemaSource {
	dir, err := filepath.Abs("testdata/fieldsrc")
	if err != nil {
		t.Fatal(err)
	}
	s := &schemaSource{files: map[string][]string{}, pkgs: map[string]*srcPackage{}, fset: token.NewFileSet()}
	for _, p := range []string{"schema", "base"} {
		names, _ := filepath.Glob(filepath.Join(dir, p, "*.go"))
		s.files["example.com/"+p] = names
	}
	return s
}

// render writes what generated code would for one column.
func render(t *testing.T, s *FieldSource, c *Column) string {
	t.Helper()
	f := jen.NewFile("store")
	f.ImportName(dbPkg, "db")
	var defs []jen.Code
	if len(s.Validators) > 0 {
		defs = append(defs, jen.Id("v").Op("=").Add(s.validatorsCode(c)))
	}
	if s.Default != nil {
		defs = append(defs, jen.Id("d").Op("=").Add(s.defaultCode(c, s.Default)))
	}
	if s.UpdateDefault != nil {
		defs = append(defs, jen.Id("u").Op("=").Add(s.defaultCode(c, s.UpdateDefault)))
	}
	f.Var().Defs(defs...)
	out := fmt.Sprintf("%#v", f)
	out = out[strings.Index(out, "var ("):]
	return strings.Join(strings.Fields(out), " ")
}

func TestFieldSources(t *testing.T) {
	s := testSource(t)
	items := s.fieldsOf("example.com/schema", "Item")
	if len(items) != 12 {
		t.Fatalf("Item: %d fields read, want 12", len(items))
	}
	str, i, f64 := GoType{Ident: "string"}, GoType{Ident: "int"}, GoType{Ident: "float64"}
	tm, i64 := GoType{Ident: "time.Time", PkgPath: "time"}, GoType{Ident: "int64"}
	for _, tc := range []struct {
		i    int
		typ  GoType
		want string // "" when generated code cannot write it
	}{
		{0, str, `var ( v = []func(string) error{db.MinLen[string](1), db.MaxLen[string](10)} )`},
		{1, i, `var ( v = []func(int) error{db.Min[int](1)} )`},
		{2, f64, `var ( v = []func(float64) error{db.Max[float64](-1e-06), db.Range[float64](-5, -0.5)} )`},
		{3, str, "var ( v = []func(string) error{db.MatchRegexp(regexp.MustCompile(`^[a-z]+$`))} )"},
		{4, str, `var ( v = []func(string) error{schema.CheckSKU} )`},
		{5, str, ""}, // a closure
		{6, tm, `var ( d = time.Now u = time.Now )`},
		{7, i64, `var ( d = db.Constant[int64](-7) )`}, // the last Default wins, as in ent
		{8, i64, ""}, // a closure
		{9, GoType{Ident: "uuid.UUID", PkgPath: "github.com/google/uuid", UUID: true}, `var ( d = uuid.New )`},
		{10, str, ""}, // a GoType
		{11, str, `var ( d = db.Constant[string]("a") )`},
	} {
		src, ok := fieldSource(items[tc.i])
		if tc.want == "" {
			if ok {
				t.Errorf("field %d: read as %+v, want it left to Fields()", tc.i, src)
			}
			continue
		}
		if !ok {
			t.Errorf("field %d: not read", tc.i)
			continue
		}
		if got := render(t, src, &Column{Name: "c", Type: tc.typ}); got != tc.want {
			t.Errorf("field %d:\n got %s\nwant %s", tc.i, got, tc.want)
		}
	}

	// a helper function's list and append; a pointer receiver
	h := s.fieldsOf("example.com/schema", "Helper")
	if len(h) != 2 {
		t.Fatalf("Helper: %d fields read, want 2", len(h))
	}
	if src, ok := fieldSource(h[1]); !ok || render(t, src, &Column{Type: i}) != `var ( v = []func(int) error{db.Max[int](9)} )` {
		t.Errorf("Helper.extra: %+v %v", src, ok)
	}
	// a parameter of the helper is not a literal: the whole field falls back
	if _, ok := fieldSource(h[0]); ok {
		t.Error("Helper.id: MaxLen(n) of a parameter was read")
	}

	// promoted from an embedded type of another package, whose own names are qualified by it
	e := s.fieldsOf("example.com/schema", "Embedded")
	if len(e) != 1 {
		t.Fatalf("Embedded: %d fields read, want 1", len(e))
	}
	src, ok := fieldSource(e[0])
	if got, want := render(t, src, &Column{Type: GoType{Ident: "[]byte"}}), `var ( v = []func([]byte) error{db.MinLen[[]byte](2)} d = base.Blob )`; !ok || got != want {
		t.Errorf("Embedded.blob:\n got %s\nwant %s", got, want)
	}
	if s.fieldsOf("example.com/schema", "Missing") != nil {
		t.Error("a type without Fields() was read")
	}

	// mixins: T{}.Fields() and append(a, b...), as ent's mixin.Time writes them
	for i, want := range []string{`var ( d = time.Now )`, `var ( d = time.Now u = time.Now )`} {
		ms := s.mixinFieldsOf("example.com/schema", "Mixed", 1)
		if len(ms) != 2 {
			t.Fatalf("Mixed's mixin 1: %d fields read, want 2", len(ms))
		}
		src, ok := fieldSource(ms[i])
		if got := render(t, src, &Column{Type: GoType{Ident: "time.Time", PkgPath: "time"}}); !ok || got != want {
			t.Errorf("Mixed's mixin 1, field %d:\n got %s\nwant %s", i, got, want)
		}
	}
	if ms := s.mixinFieldsOf("example.com/schema", "Mixed", 0); len(ms) != 1 {
		t.Errorf("Mixed's mixin 0: %d fields read, want 1", len(ms))
	}

	// ent's own mixin.Time, from the module cache
	ent, err := newSchemaSource("entgo.io/ent/schema/mixin")
	if err != nil {
		t.Fatal(err)
	}
	mt := ent.fieldsOf("entgo.io/ent/schema/mixin", "Time")
	if len(mt) != 2 {
		t.Fatalf("mixin.Time: %d fields read, want 2", len(mt))
	}
	if src, ok := fieldSource(mt[1]); !ok || src.UpdateDefault == nil || src.UpdateDefault.Args[0] != (srcArg{Pkg: "time", Name: "Now"}) {
		t.Errorf("mixin.Time's update_time: %+v %v", src, ok)
	}
}

// TestFieldSourceNotes: a field bkgen cannot write, or whose validators it
// counts unlike entc/load, is left to Fields() and named in a note.
func TestFieldSourceNotes(t *testing.T) {
	col := func(name string, index, validators int) *Column {
		return &Column{Name: name, GoName: name, Type: GoType{Ident: "string"}, Mixin: -1, FieldIndex: index, Validators: validators}
	}
	title, free, wrong, mixed := col("title", 0, 2), col("free", 5, 1), col("sku", 4, 2), col("m", 0, 1)
	mixed.Mixin = 0
	m := &Model{SchemaPkg: "example.com/schema", Tables: []*Table{{Name: "item", Schema: "Item", Columns: []*Column{title, free, wrong, mixed}}}}
	m.useFieldSources(testSource(t), needsFunctions)
	if title.Src == nil {
		t.Error("title was not read")
	}
	for _, c := range []*Column{free, wrong, mixed} {
		if c.Src != nil {
			t.Errorf("%s was read", c.Name)
		}
	}
	notes := strings.Join(m.Notes, "\n")
	for _, want := range []string{"item.free: the server calls Item.Fields()", "item.sku: ", "bkgen reads 1 validators where ent counts 2", "item.m: ", "the fields of Item's mixin 0 are not a list"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if len(m.Notes) != 3 {
		t.Errorf("%d notes, want 3:\n%s", len(m.Notes), notes)
	}
}
