// Package gen compiles a bkgen schema into generated code. It loads the
// schema package with entc/load, builds one validated Model in which every
// generated name is decided, and hands that model to each emitter (store
// code with jennifer, documentation with text/template). Emitters never read
// the schema again.
package gen

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"entgo.io/ent/entc/load"
	"entgo.io/ent/schema/field"

	"github.com/bkgen/bkgen/schema/bk"
)

// Model is the schema compiled for the emitters.
type Model struct {
	Name      string // the application's name (its binary)
	SchemaPkg string // import path of the schema package
	GenPkg    string // import path of the output directory (default DefaultGenPkg)
	OutDir    string // the output directory (gqlgen runs in a scratch directory under it); default MODULE/generated
	Tables    []*Table
	Jobs      []*Job    // schemas annotated bk.Job()
	Pkg       *Packages // import paths of the generated packages (set by Render from GenPkg)
	// Notes are what bkgen tells the developer without failing: the fields
	// whose validators or defaults make the server call the schema's Fields().
	Notes []string
}

// Table is one table with every name the generated code uses.
type Table struct {
	Schema    string // ent schema type name, e.g. Photo
	Name      string // table name, e.g. photo
	Pos       string // file:line of the schema declaration
	Columns   []*Column
	Keys      []*Column
	Indexes   []*Index
	Owner     *Column   // the bk.Owner column, if any: every owner rule (REST, GraphQL) derives from it
	Pkg       *Packages // import paths of the generated packages (set by Render)
	CacheTTL  int64
	NoAPI     bool
	SkipPools []string
	Pool      string // bk.Pool: the named pool that keeps the table

	// Go names.
	GoName, KeyType, ChangesType, IncrType, ColsVar, TableVar, StoreType string
	HooksType, WriteType                                                 string // the row hooks (db.Hooks) and what a write hook sees (db.Write)
	Unexported                                                           string // prefix of unexported identifiers
	// OwnPkg and OwnPkgName are the package under generated/store that holds
	// the table's code (its row, key and store; generated/store names them
	// again), one of a few that share the tables, so that a change to one
	// table compiles a part of them again and not every table's (set by
	// Render: ownPkgName).
	OwnPkg, OwnPkgName string
}

// Counters returns the counter columns.
func (t *Table) Counters() []*Column {
	var out []*Column
	for _, c := range t.Columns {
		if c.Counter {
			out = append(out, c)
		}
	}
	return out
}

// Column is one column of a table.
type Column struct {
	Name                                          string // column name
	GoName                                        string // struct field name
	ConstName                                     string // unexported prefix of its store identifiers (enum values, default)
	PosName                                       string // the exported constant of its position: TodoColDue
	Pos                                           int    // position in Table.Columns
	Kind                                          Kind   // what its values are (gen/kind.go)
	Type                                          GoType // Go type of the value (without the pointer of Nillable)
	Bits                                          int
	Nillable                                      bool // the struct field is a pointer
	Optional                                      bool
	KeyPos                                        int
	AutoID                                        bool
	Now, Counter, UUID, Pub, Owner, Secure, Admin bool
	Immutable                                     bool
	Enums                                         []string
	Default                                       bool // ent Default (value or func)
	DefaultSQL                                    any  // canonical constant default for DDL, or nil
	UpdateDefault                                 bool
	Validators                                    int
	Comment                                       string
	// Descriptor is how generated code reaches the ent field at init:
	// the mixin index (-1 for the schema itself) and the field index.
	Mixin, FieldIndex int
	Implicit          bool // the implicit ent id: no descriptor
	// Src is the field's builder chain read from the schema's source, when
	// generated code can build its validators and defaults again without
	// the schema package (gen/fieldsrc.go); nil: from Fields() at init.
	Src *FieldSource

	uniqueField bool // ent Unique(): becomes a unique index
}

// GoType is a Go type as generated code spells it.
type GoType struct {
	Ident   string // as reflect prints it: string, time.Time, []schema.Item, map[string]interface {}
	PkgPath string // package of the named base type, if any
	UUID    bool   // github.com/google/uuid.UUID
	JSON    bool
}

// Index is a secondary index.
type Index struct {
	Name    string
	Columns []*Column
	Unique  bool
}

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// schemaError names the table (and field) at fault, with the file position.
type schemaError struct {
	pos, table, field, msg string
}

func (e *schemaError) Error() string {
	var b strings.Builder
	if e.pos != "" {
		b.WriteString(e.pos + ": ")
	}
	b.WriteString("schema " + e.table)
	if e.field != "" {
		b.WriteString(", field " + e.field)
	}
	b.WriteString(": " + e.msg)
	return b.String()
}

// annotation decodes the bkgen annotation out of an entc/load annotation map.
func annotation(m map[string]any) (bk.Annotation, error) {
	var a bk.Annotation
	v, ok := m[bk.Name]
	if !ok {
		return a, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return a, err
	}
	err = json.Unmarshal(b, &a)
	return a, err
}

// BuildModel validates the loaded schemas and decides every name.
func BuildModel(spec *load.SchemaSpec) (*Model, error) {
	m := &Model{SchemaPkg: spec.PkgPath}
	var errs []string
	names := map[string]string{} // generated Go identifier -> schema declaring it
	tables := map[string]string{}
	schemas := append([]*load.Schema(nil), spec.Schemas...)
	sort.Slice(schemas, func(i, j int) bool { return schemas[i].Name < schemas[j].Name })
	jobs := map[string]string{}
	for _, s := range schemas {
		if a, err := annotation(s.Annotations); err == nil && a.Job != nil {
			if len(a.Conflicts) > 0 {
				errs = append(errs, (&schemaError{pos: s.Pos, table: s.Name, msg: "contradictory annotations: " + strings.Join(a.Conflicts, "; ")}).Error())
				continue
			}
			j, err := buildJob(s, a)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			if e := claim(jobs, "job", j.Name, j.Pos, s.Name); e != "" {
				errs = append(errs, e)
				continue
			}
			if reserved := map[string]bool{"Handlers": true, "Specs": true}; reserved[j.GoName] {
				errs = append(errs, (&schemaError{pos: j.Pos, table: s.Name, msg: fmt.Sprintf("the name %s is reserved by the generated jobs package", j.GoName)}).Error())
				continue
			}
			m.Jobs = append(m.Jobs, j)
			continue
		}
		t, err := buildTable(s)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if e := claim(tables, "table", t.Name, t.Pos, s.Name); e != "" {
			errs = append(errs, e)
			continue
		}
		for _, id := range []string{t.GoName, t.KeyType, t.ChangesType, t.IncrType, t.ColsVar, t.TableVar, t.StoreType, t.HooksType, t.WriteType, t.GoName + "KeyOf"} {
			if other, ok := names[id]; ok {
				errs = append(errs, (&schemaError{pos: t.Pos, table: s.Name, msg: fmt.Sprintf("generated name %s clashes with one of schema %s; rename a schema", id, other)}).Error())
			}
			names[id] = s.Name
		}
		m.Tables = append(m.Tables, t)
	}
	if reserved := map[string]bool{"Store": true, "New": true, "Hooks": true}; true {
		for _, t := range m.Tables {
			if reserved[t.GoName] {
				errs = append(errs, (&schemaError{pos: t.Pos, table: t.Schema, msg: fmt.Sprintf("the name %s is reserved by the generated package", t.GoName)}).Error())
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	if len(m.Tables) == 0 {
		return nil, fmt.Errorf("no schema found in %s", spec.PkgPath)
	}
	return m, nil
}

func buildTable(s *load.Schema) (*Table, error) {
	fail := func(fieldName, format string, args ...any) error {
		return &schemaError{pos: s.Pos, table: s.Name, field: fieldName, msg: fmt.Sprintf(format, args...)}
	}
	ta, err := annotation(s.Annotations)
	if err != nil {
		return nil, fail("", "bkgen annotation: %v", err)
	}
	if len(ta.Conflicts) > 0 {
		return nil, fail("", "contradictory annotations: %s", strings.Join(ta.Conflicts, "; "))
	}
	for _, p := range ta.SkipPools {
		if p != "sqlite" && p != "pgsql" && p != "mysql" && p != "dynamodb" {
			return nil, fail("", "SkipPools(%q): the pools are sqlite, pgsql, mysql and dynamodb", p)
		}
	}
	if ta.Pool != "" && (!identRE.MatchString(ta.Pool) || ta.Pool == "default") {
		return nil, fail("", "Pool(%q): a pool name is a NAME of -db-DRIVER-pool-NAME (letters, digits, _), not default", ta.Pool)
	}
	if ta.Primary != 0 || ta.Pub || ta.Owner || ta.Secure || ta.Admin || ta.Now || ta.Counter || ta.UUID || len(ta.Indexes) > 0 {
		return nil, fail("", "field annotations (Primary, Pub, Owner, Secure, Admin, Now, Counter, UUID, Index) belong on fields, not on the schema")
	}
	if s.View {
		return nil, fail("", "ent views are not supported")
	}
	if len(s.Edges) > 0 {
		return nil, fail("", "edges are not supported: declare the referencing column as a field (e.g. field.String(\"album_id\")) and an index")
	}
	name := ta.Table
	if name == "" {
		name = snake(s.Name)
	}
	if !identRE.MatchString(name) {
		return nil, fail("", "table name %q must match %s", name, identRE)
	}
	goName := s.Name
	t := &Table{
		Schema: s.Name, Name: name, Pos: s.Pos, CacheTTL: ta.CacheTTL, NoAPI: ta.NoAPI, SkipPools: ta.SkipPools, Pool: ta.Pool,
		GoName: goName, KeyType: goName + "Key", ChangesType: goName + "Changes", IncrType: goName + "Incr",
		ColsVar: goName + "Cols", TableVar: goName + "Table", StoreType: goName + "Store",
		HooksType: goName + "Hooks", WriteType: goName + "Write",
		Unexported: strings.ToLower(goName[:1]) + goName[1:],
	}
	bkIndexes := map[string]map[int]*Column{}
	hasID := false
	for _, f := range s.Fields {
		if f.Name == "id" || f.StorageKey == "id" {
			hasID = true
		}
	}
	for _, f := range s.Fields {
		c, err := buildColumn(s, f, bkIndexes)
		if err != nil {
			return nil, err
		}
		t.Columns = append(t.Columns, c)
	}
	if !hasID && !slices.ContainsFunc(t.Columns, func(c *Column) bool { return c.KeyPos > 0 }) {
		// ent's implicit id: an int key assigned by the database (only when
		// no field is a key part: it would be a column nothing sets)
		t.Columns = append([]*Column{{Name: "id", GoName: "ID", Kind: KindInt, Type: GoType{Ident: "int"}, Bits: 64, Implicit: true, AutoID: true, Mixin: -1, Comment: "ID is the implicit ent id, assigned by the database on Add when zero."}}, t.Columns...)
	}
	// Keys: Primary positions, else the id field.
	seenGo := map[string]bool{}
	seenCol := map[string]bool{}
	for i, c := range t.Columns {
		c.Pos = i
		c.ConstName = t.Unexported + c.GoName
		c.PosName = t.GoName + "Col" + c.GoName
		if seenGo[c.GoName] || seenCol[c.Name] {
			return nil, fail(c.Name, "two fields give the column %q / Go name %s", c.Name, c.GoName)
		}
		seenGo[c.GoName], seenCol[c.Name] = true, true
		if c.Owner {
			if t.Owner != nil {
				return nil, fail(c.Name, "a table has one Owner column, and %s is already it", t.Owner.Name)
			}
			t.Owner = c
		}
		if c.KeyPos > 0 {
			t.Keys = append(t.Keys, c)
		}
	}
	if len(t.Keys) == 0 {
		for _, c := range t.Columns {
			if c.Name == "id" {
				c.KeyPos = 1
				if c.Kind == KindInt && !c.Default {
					c.AutoID = true
				}
				t.Keys = append(t.Keys, c)
			}
		}
	}
	if len(t.Keys) == 0 {
		return nil, fail("", "no primary key: mark fields with bk.Primary() or declare an id field")
	}
	sort.SliceStable(t.Keys, func(i, j int) bool { return t.Keys[i].KeyPos < t.Keys[j].KeyPos })
	if len(t.Keys) > 2 && !slices.Contains(t.SkipPools, "dynamodb") {
		return nil, fail("", "%d primary key columns: DynamoDB holds at most two (hash and range); join columns into one key, or add bk.SkipPools(\"dynamodb\") to the schema's Annotations() to keep the table on SQL only", len(t.Keys))
	}
	for i, k := range t.Keys {
		if k.KeyPos != i+1 {
			return nil, fail(k.Name, "primary key positions must be 1..%d without gaps or repeats; got Primary(%d)", len(t.Keys), k.KeyPos)
		}
		switch {
		case k.Nillable || k.Optional:
			return nil, fail(k.Name, "a primary key column cannot be Optional or Nillable")
		case k.Kind == KindJSON || k.Kind == KindFloat || k.Kind == KindBool || k.Kind == KindBytes:
			return nil, fail(k.Name, "a primary key column must be a string, uuid, integer or time, not %s", k.Type.Ident)
		case k.Counter || k.Now:
			return nil, fail(k.Name, "a primary key column cannot be a Counter or Now column")
		}
		if k.AutoID && len(t.Keys) > 1 {
			k.AutoID = false
		}
	}
	// Indexes: ent's index.Fields, then bk.Index groups.
	for _, ix := range s.Indexes {
		if len(ix.Edges) > 0 {
			return nil, fail("", "indexes on edges are not supported")
		}
		idx := &Index{Unique: ix.Unique}
		for _, fn := range ix.Fields {
			c := t.column(fn)
			if c == nil {
				return nil, fail("", "index on unknown field %q", fn)
			}
			idx.Columns = append(idx.Columns, c)
		}
		idx.Name = ix.StorageKey
		t.Indexes = append(t.Indexes, idx)
	}
	groups := make([]string, 0, len(bkIndexes))
	for n := range bkIndexes {
		groups = append(groups, n)
	}
	sort.Strings(groups)
	for _, n := range groups {
		g := bkIndexes[n]
		idx := &Index{}
		for p := 1; p <= len(g); p++ {
			c, ok := g[p]
			if !ok {
				return nil, fail("", "index %q: positions must be 1..%d without gaps", n, len(g))
			}
			idx.Columns = append(idx.Columns, c)
		}
		t.Indexes = append(t.Indexes, idx)
	}
	for _, c := range t.Columns {
		if c.Kind == KindJSON || c.Kind == KindBytes {
			for _, ix := range t.Indexes {
				for _, ic := range ix.Columns {
					if ic == c {
						return nil, fail(c.Name, "a %s column cannot be indexed", c.Type.Ident)
					}
				}
			}
		}
	}
	for _, c := range t.Columns {
		if c.uniqueField {
			t.Indexes = append(t.Indexes, &Index{Columns: []*Column{c}, Unique: true})
		}
	}
	seenIdx := map[string]bool{}
	for _, ix := range t.Indexes {
		if ix.Name == "" {
			parts := []string{t.Name}
			for _, c := range ix.Columns {
				parts = append(parts, c.Name)
			}
			suffix := "idx"
			if ix.Unique {
				suffix = "key"
			}
			ix.Name = strings.Join(parts, "_") + "_" + suffix
		}
		if seenIdx[ix.Name] {
			return nil, fail("", "index %q is declared twice", ix.Name)
		}
		seenIdx[ix.Name] = true
	}
	return t, nil
}

func (t *Table) column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// claim records that schema uses name (of a job or a table) in seen, or
// returns the error naming the schema that already does.
func claim(seen map[string]string, what, name, pos, schema string) string {
	if other, ok := seen[name]; ok {
		return (&schemaError{pos: pos, table: schema, msg: fmt.Sprintf("%s name %q is also used by schema %s", what, name, other)}).Error()
	}
	seen[name] = schema
	return ""
}

// uniqueField is kept on the column while building only.
func buildColumn(s *load.Schema, f *load.Field, bkIndexes map[string]map[int]*Column) (*Column, error) {
	fail := func(format string, args ...any) error {
		return &schemaError{pos: s.Pos, table: s.Name, field: f.Name, msg: fmt.Sprintf(format, args...)}
	}
	a, err := annotation(f.Annotations)
	if err != nil {
		return nil, fail("bkgen annotation: %v", err)
	}
	if len(a.Conflicts) > 0 {
		return nil, fail("contradictory annotations: %s", strings.Join(a.Conflicts, "; "))
	}
	if a.Table != "" || a.CacheTTL != 0 || a.NoAPI {
		return nil, fail("table annotations (Table, Cache, NoAPI) belong on the schema's Annotations(), not on a field")
	}
	name := f.Name
	if f.StorageKey != "" {
		name = f.StorageKey
	}
	if !identRE.MatchString(name) {
		return nil, fail("column name %q must match %s", name, identRE)
	}
	c := &Column{
		Name: name, GoName: pascal(f.Name), KeyPos: a.Primary,
		Nillable: f.Nillable, Optional: f.Optional, Immutable: f.Immutable,
		Now: a.Now, Counter: a.Counter, UUID: a.UUID,
		Pub: a.Pub, Owner: a.Owner, Secure: a.Secure || f.Sensitive, Admin: a.Admin,
		Default: f.Default, UpdateDefault: f.UpdateDefault, Validators: f.Validators,
		Comment: f.Comment, Mixin: -1, FieldIndex: -1,
		uniqueField: f.Unique,
	}
	if f.Position != nil {
		c.FieldIndex = f.Position.Index
		if f.Position.MixedIn {
			c.Mixin = f.Position.MixinIndex
		}
	}
	info := f.Info
	c.Type = GoType{Ident: info.Ident, PkgPath: info.PkgPath}
	custom := info.RType != nil && info.RType.PkgPath != "" // a GoType(...) on a scalar
	switch t := info.Type; {
	case t == field.TypeString:
		c.Kind, c.Type = KindString, GoType{Ident: "string"}
	case t == field.TypeEnum:
		c.Kind, c.Type = KindString, GoType{Ident: "string"}
		for _, e := range f.Enums {
			c.Enums = append(c.Enums, e.V)
		}
	case t == field.TypeUUID:
		if info.Ident != "uuid.UUID" || info.PkgPath != "github.com/google/uuid" {
			return nil, fail("UUID fields must use github.com/google/uuid.UUID, not %s", info.Ident)
		}
		c.Kind, c.Type = KindString, GoType{Ident: "uuid.UUID", PkgPath: "github.com/google/uuid", UUID: true}
	case t == field.TypeBool:
		c.Kind, c.Type = KindBool, GoType{Ident: "bool"}
	case t == field.TypeTime:
		c.Kind, c.Type = KindTime, GoType{Ident: "time.Time", PkgPath: "time"}
	case t == field.TypeBytes:
		c.Kind, c.Type = KindBytes, GoType{Ident: "[]byte"}
	case t == field.TypeJSON:
		c.Kind = KindJSON
		c.Type.JSON = true
		if f.Nillable {
			return nil, fail("Nillable on a JSON field: a nil value is already stored as NULL")
		}
	case t >= field.TypeInt8 && t <= field.TypeInt64, t == field.TypeUint8, t == field.TypeUint16, t == field.TypeUint32:
		c.Kind = KindInt
		c.Type = GoType{Ident: t.String()}
		c.Bits = map[field.Type]int{field.TypeInt8: 8, field.TypeInt16: 16, field.TypeInt32: 32, field.TypeInt: 64, field.TypeInt64: 64, field.TypeUint8: 16, field.TypeUint16: 32, field.TypeUint32: 64}[t]
	case t == field.TypeUint || t == field.TypeUint64:
		return nil, fail("%s is not supported (no database here stores unsigned 64-bit integers); use int64", t)
	case t == field.TypeFloat32 || t == field.TypeFloat64:
		c.Kind, c.Type = KindFloat, GoType{Ident: t.String()}
	default:
		return nil, fail("type %s is not supported", info)
	}
	if custom && !c.Type.JSON && !c.Type.UUID && info.Type != field.TypeTime {
		return nil, fail("custom Go types (GoType) are not supported on %s fields", info.Type)
	}
	// Contradictions.
	switch {
	case c.Secure && c.Pub:
		return nil, fail("a column cannot be both Secure (or Sensitive) and Pub")
	case c.Admin && c.Pub:
		return nil, fail("a column cannot be both Admin and Pub")
	case c.Secure && c.KeyPos > 0:
		return nil, fail("a primary key column cannot be Secure: keys are in every reply")
	case c.Counter && c.Kind != KindInt && c.Kind != KindFloat:
		return nil, fail("Counter needs a numeric field, not %s", c.Type.Ident)
	case c.Counter && c.Nillable:
		return nil, fail("a Counter column cannot be Nillable: it starts at 0")
	case c.Now && (c.Type.Ident != "int64" || c.Nillable):
		return nil, fail("Now needs a non-nillable field.Int64 (milliseconds), not %s", c.Type.Ident)
	case c.UUID && c.Kind != KindString:
		return nil, fail("UUID needs a string or uuid field, not %s", c.Type.Ident)
	case c.UUID && len(c.Enums) > 0:
		return nil, fail("UUID cannot be used on an enum")
	case c.Owner && (c.Kind != KindString || c.Type.UUID || len(c.Enums) > 0):
		// every rule compares it with the caller's account id, a string
		return nil, fail("Owner needs a field.String: it holds the account id, which is a string, not %s", c.Type.Ident)
	case c.Owner && (c.UUID || c.Now || c.Counter):
		return nil, fail("an Owner column is set to the caller's account id: it cannot also be UUID, Now or Counter")
	case c.Now && c.Counter:
		return nil, fail("a column cannot be both Now and Counter")
	}
	for ix, p := range a.Indexes {
		if !identRE.MatchString(ix) {
			return nil, fail("index name %q must match %s", ix, identRE)
		}
		if p < 1 {
			return nil, fail("Index(%q, %d): positions start at 1", ix, p)
		}
		g := bkIndexes[ix]
		if g == nil {
			g = map[int]*Column{}
			bkIndexes[ix] = g
		}
		if other, ok := g[p]; ok {
			return nil, fail("Index(%q, %d) is also given to field %s", ix, p, other.Name)
		}
		g[p] = c
	}
	if f.Default && c.Kind == KindBool && !c.Nillable && f.DefaultValue == true {
		return nil, fail("Default(true) on a non-nillable bool makes false impossible to store (a zero value takes the default); make the field Nillable")
	}
	if f.Default && f.DefaultKind != reflect.Func && f.DefaultValue != nil {
		c.DefaultSQL = canonicalDefault(c, f.DefaultValue)
	}
	return c, nil
}

// canonicalDefault converts a JSON-decoded constant default to the value the
// runtime renders in DDL; nil when it has no SQL literal.
func canonicalDefault(c *Column, v any) any {
	switch c.Kind {
	case KindString:
		if s, ok := v.(string); ok && !c.Type.UUID {
			return s
		}
	case KindInt:
		switch n := v.(type) {
		case float64:
			return int64(n)
		case int64:
			return n
		}
	case KindFloat:
		if n, ok := v.(float64); ok {
			return n
		}
	case KindBool:
		if b, ok := v.(bool); ok {
			return b
		}
	}
	return nil
}

// acronyms are spelled in capitals in Go names, as ent and golint do.
var acronyms = map[string]string{"id": "ID", "uid": "UID", "uuid": "UUID", "url": "URL", "uri": "URI", "api": "API", "http": "HTTP", "https": "HTTPS", "ip": "IP", "json": "JSON", "sql": "SQL", "html": "HTML", "xml": "XML", "ttl": "TTL", "acl": "ACL", "cpu": "CPU", "ui": "UI", "tcp": "TCP", "udp": "UDP", "dns": "DNS", "utf8": "UTF8", "ascii": "ASCII", "eof": "EOF", "os": "OS"}

// pascal turns a snake_case field name into a Go name: album_id -> AlbumID.
func pascal(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(s, "_") {
		if w == "" {
			continue
		}
		if a, ok := acronyms[w]; ok {
			b.WriteString(a)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	if b.Len() == 0 {
		return "X"
	}
	return b.String()
}

// snake turns a Go type name into a table name: AlbumPhoto -> album_photo,
// HTTPLog -> http_log.
func snake(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		upper := r >= 'A' && r <= 'Z'
		if upper && i > 0 {
			prevLower := rs[i-1] >= 'a' && rs[i-1] <= 'z' || rs[i-1] >= '0' && rs[i-1] <= '9'
			nextLower := i+1 < len(rs) && rs[i+1] >= 'a' && rs[i+1] <= 'z'
			if prevLower || (nextLower && rs[i-1] >= 'A' && rs[i-1] <= 'Z') {
				b.WriteByte('_')
			}
		}
		if upper {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
