package gen

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/entc/load"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/google/uuid"

	"github.com/bkgen/bkgen/schema/bk"
)

// spec marshals schemas the way entc/load does, without running `go run`.
func spec(t *testing.T, schemas ...ent.Interface) *load.SchemaSpec {
	t.Helper()
	s := &load.SchemaSpec{PkgPath: "example.com/app/schema"}
	for _, x := range schemas {
		b, err := load.MarshalSchema(x)
		if err != nil {
			t.Fatal(err)
		}
		var ls load.Schema
		if err := json.Unmarshal(b, &ls); err != nil {
			t.Fatal(err)
		}
		s.Schemas = append(s.Schemas, &ls)
	}
	return s
}

// A schema built from functions, so each test declares only what it needs.
type testSchema struct {
	ent.Schema
	fields  []ent.Field
	indexes []ent.Index
	ann     []schema.Annotation
}

func (s testSchema) Fields() []ent.Field              { return s.fields }
func (s testSchema) Indexes() []ent.Index             { return s.indexes }
func (s testSchema) Annotations() []schema.Annotation { return s.ann }

type Item struct{ testSchema }
type Other struct{ testSchema }

func item(fields ...ent.Field) Item { return Item{testSchema{fields: fields}} }

func TestModelKeysAndNames(t *testing.T) {
	m, err := BuildModel(spec(t, Item{testSchema{
		fields: []ent.Field{
			field.String("album_id").Annotations(bk.Primary(1)),
			field.String("id").Annotations(bk.Primary(2), bk.UUID()),
			field.String("name").Annotations(bk.Pub(), bk.Index("by_name", 1)),
			field.Int64("mtime").Annotations(bk.Now(), bk.Index("by_name", 2)),
			field.String("owner_url"),
		},
		indexes: []ent.Index{index.Fields("owner_url").Unique()},
	}}))
	if err != nil {
		t.Fatal(err)
	}
	tb := m.Tables[0]
	if tb.Name != "item" || tb.KeyType != "ItemKey" || tb.StoreType != "ItemStore" {
		t.Fatalf("names: %+v", tb)
	}
	if len(tb.Keys) != 2 || tb.Keys[0].Name != "album_id" || tb.Keys[1].Name != "id" {
		t.Fatalf("keys: %v", tb.Keys)
	}
	if got := tb.Columns[4].GoName; got != "OwnerURL" {
		t.Fatalf("GoName = %s", got)
	}
	var names []string
	for _, ix := range tb.Indexes {
		names = append(names, ix.Name)
	}
	if strings.Join(names, ",") != "item_owner_url_key,item_name_mtime_idx" {
		t.Fatalf("indexes: %v", names)
	}
}

func TestModelPlainEntSchema(t *testing.T) {
	m, err := BuildModel(spec(t, item(field.String("body"))))
	if err != nil {
		t.Fatal(err)
	}
	k := m.Tables[0].Keys
	if len(k) != 1 || k[0].Name != "id" || !k[0].AutoID || k[0].Type.Ident != "int" {
		t.Fatalf("implicit id key: %+v", k[0])
	}
	m, err = BuildModel(spec(t, item(field.String("id"), field.String("body"))))
	if err != nil {
		t.Fatal(err)
	}
	if k := m.Tables[0].Keys; len(k) != 1 || k[0].Name != "id" || k[0].AutoID {
		t.Fatalf("explicit string id: %+v", k[0])
	}
}

func TestModelRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema ent.Interface
		want   string // part of the message; every message names the schema
	}{
		{"pub and secure", item(field.String("id"), field.String("x").Sensitive().Annotations(bk.Pub())), `field x: a column cannot be both Secure`},
		{"two positions", item(field.String("id").Annotations(bk.Primary(1), bk.Primary(2))), `field id: contradictory annotations: Primary(1) and Primary(2)`},
		{"key gap", item(field.String("a").Annotations(bk.Primary(1)), field.String("b").Annotations(bk.Primary(3))), `field b: primary key positions must be 1..2`},
		{"counter on string", item(field.String("id"), field.String("n").Annotations(bk.Counter())), `field n: Counter needs a numeric field`},
		{"now on int", item(field.String("id"), field.Int("m").Annotations(bk.Now())), `field m: Now needs a non-nillable field.Int64`},
		{"uuid on int", item(field.Int("id").Annotations(bk.UUID())), `field id: UUID needs a string`},
		{"optional key", item(field.String("id").Optional()), `field id: a primary key column cannot be Optional`},
		{"json key", item(field.Strings("id").Annotations(bk.Primary())), `field id: a primary key column must be`},
		{"uint64", item(field.String("id"), field.Uint64("n")), `field n: uint64 is not supported`},
		{"table option on field", item(field.String("id").Annotations(bk.NoAPI())), `field id: table annotations`},
		{"field option on table", Item{testSchema{fields: []ent.Field{field.String("id")}, ann: []schema.Annotation{bk.Pub()}}}, `field annotations (Primary`},
		{"index gap", item(field.String("id"), field.String("a").Annotations(bk.Index("x", 1)), field.String("b").Annotations(bk.Index("x", 3))), `index "x": positions must be`},
		{"index on json", item(field.String("id"), field.Strings("t").Annotations(bk.Index("t", 1))), `field t: a []string column cannot be indexed`},
		{"bad column name", item(field.String("id"), field.String("Bad Name")), `column name "Bad Name"`},
		{"default true bool", item(field.String("id"), field.Bool("b").Default(true)), `field b: Default(true) on a non-nillable bool`},
		{"three keys without SkipPools", item(field.String("a").Annotations(bk.Primary(1)), field.String("b").Annotations(bk.Primary(2)), field.String("c").Annotations(bk.Primary(3))), `3 primary key columns: DynamoDB holds at most two`},
		{"unknown pool", Item{testSchema{fields: []ent.Field{field.String("id")}, ann: []schema.Annotation{bk.SkipPools("oracle")}}}, `SkipPools("oracle")`},
		{"bad pool name", Item{testSchema{fields: []ent.Field{field.String("id")}, ann: []schema.Annotation{bk.Pool("Archive DB")}}}, `Pool("Archive DB")`},
		{"pool default", Item{testSchema{fields: []ent.Field{field.String("id")}, ann: []schema.Annotation{bk.Pool("default")}}}, `Pool("default")`},
		{"int owner", item(field.String("id"), field.Int64("owner").Annotations(bk.Owner())), `field owner: Owner needs a field.String: it holds the account id, which is a string, not int64`},
		{"uuid owner", item(field.String("id"), field.UUID("owner", uuid.UUID{}).Annotations(bk.Owner())), `field owner: Owner needs a field.String`},
		{"enum owner", item(field.String("id"), field.Enum("owner").Values("a").Annotations(bk.Owner())), `field owner: Owner needs a field.String`},
		{"generated owner", item(field.String("id"), field.String("owner").Annotations(bk.Owner(), bk.UUID())), `field owner: an Owner column is set to the caller's account id`},
		{"two owners", item(field.String("id"), field.String("a").Annotations(bk.Owner()), field.String("b").Annotations(bk.Owner())), `field b: a table has one Owner column, and a is already it`},
		{"admin pub", item(field.String("id"), field.String("a").Annotations(bk.Admin(), bk.Pub())), `field a: a column cannot be both Admin and Pub`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildModel(spec(t, tc.schema))
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), "schema Item") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not name the schema and contain %q", err, tc.want)
			}
		})
	}
}

func TestModelThreeKeysSQLOnly(t *testing.T) {
	m, err := BuildModel(spec(t, Item{testSchema{
		fields: []ent.Field{field.String("a").Annotations(bk.Primary(1)), field.String("b").Annotations(bk.Primary(2)), field.String("c").Annotations(bk.Primary(3))},
		ann:    []schema.Annotation{bk.SkipPools("dynamodb")},
	}}))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Tables[0].Keys) != 3 || m.Tables[0].SkipPools[0] != "dynamodb" {
		t.Fatalf("%+v", m.Tables[0])
	}
}

func TestModelRejectsNameClash(t *testing.T) {
	_, err := BuildModel(spec(t, item(field.String("id")), Other{testSchema{fields: []ent.Field{field.String("id")}, ann: []schema.Annotation{bk.Table("item")}}}))
	if err == nil || !strings.Contains(err.Error(), `table name "item" is also used`) {
		t.Fatalf("err = %v", err)
	}
}

func TestMerge(t *testing.T) {
	a := bk.Pub().Merge(bk.Index("x", 1)).(bk.Annotation).Merge(bk.Index("y", 2)).(bk.Annotation)
	if !a.Pub || a.Indexes["x"] != 1 || a.Indexes["y"] != 2 || len(a.Conflicts) != 0 {
		t.Fatalf("merged %+v", a)
	}
	c := bk.Index("x", 1).Merge(bk.Index("x", 2)).(bk.Annotation)
	if len(c.Conflicts) != 1 {
		t.Fatalf("conflict not recorded: %+v", c)
	}
}

func TestPascalSnake(t *testing.T) {
	for in, want := range map[string]string{"album_id": "AlbumID", "owner_url": "OwnerURL", "name": "Name", "a_b_c": "ABC", "json_data": "JSONData"} {
		if got := pascal(in); got != want {
			t.Errorf("pascal(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Todo": "todo", "AlbumPhoto": "album_photo", "HTTPLog": "http_log", "BkAuth": "bk_auth"} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderDeterministic(t *testing.T) {
	m, err := BuildModel(spec(t, item(field.String("id"), field.Int64("n").Annotations(bk.Counter()), field.JSON("meta", map[string]any{}).Optional())))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Render(m)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		b, err := Render(m)
		if err != nil {
			t.Fatal(err)
		}
		for name := range a {
			if string(a[name]) != string(b[name]) {
				t.Fatalf("%s differs between renders", name)
			}
		}
	}
}

func TestModelJobs(t *testing.T) {
	table := item(field.String("id"))
	job := func(ann schema.Annotation, fields ...ent.Field) Other {
		return Other{testSchema{fields: fields, ann: []schema.Annotation{ann}}}
	}
	m, err := BuildModel(spec(t, table, job(bk.Job().Cron("*/5 * * * * *").Queue("low").Retries(0).Timeout(time.Minute),
		field.String("to"), field.Int("n").Optional(), field.Enum("kind").Values("a", "b"))))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Tables) != 1 || len(m.Jobs) != 1 {
		t.Fatalf("tables %d, jobs %d", len(m.Tables), len(m.Jobs))
	}
	j := m.Jobs[0]
	if j.Name != "other" || j.Cron != "*/5 * * * * *" || j.Queue != "low" || j.Retries != 0 || j.Timeout != 60000 || j.EnqueueFunc != "EnqueueOther" || len(j.Fields) != 3 {
		t.Fatalf("job: %+v", j)
	}
	for _, c := range []struct {
		job  Other
		want string
	}{
		{job(bk.Job().Cron("every tuesday")), `Cron("every tuesday")`},
		{job(bk.Job().Retries(-1)), "Retries(-1)"},
		{job(bk.Job().Queue("Bad Queue")), "queue name"},
		{job(bk.Job(), field.String("to").Annotations(bk.Pub())), "plain payload field"},
		{job(bk.Job(), field.String("to").Default("x")), "plain payload field"},
		{job(bk.Job().Merge(bk.Cache(time.Minute)).(bk.Annotation)), "not a table"},
		{job(bk.Cache(time.Minute).Cron("* * * * *")), "without Job()"},
	} {
		_, err := BuildModel(spec(t, table, c.job))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error with %q", c.job.ann, err, c.want)
		}
	}
}

func TestJobsRender(t *testing.T) {
	m, err := BuildModel(spec(t, item(field.String("id")), Other{testSchema{fields: []ent.Field{field.String("to"),
		field.Enum("kind").Values("a", "b"), field.Enum("level").Values("x").Optional().Nillable()}, ann: []schema.Annotation{bk.Job()}}}))
	if err != nil {
		t.Fatal(err)
	}
	m.Name = "app"
	files, err := Render(m)
	if err != nil {
		t.Fatal(err)
	}
	src := string(files["jobs/jobs.go"])
	for _, want := range []string{"func EnqueueOther(ctx context.Context, p Other, opts ...rtjobs.Option)", "Other(ctx context.Context, st *store.Store, p *Other) error", `"to"`,
		`if !slices.Contains([]string{"a", "b"}, string(p.Kind)) {`, `if p.Level != nil && !slices.Contains([]string{"x"}, string(*p.Level)) {`} {
		if !strings.Contains(src, want) {
			t.Errorf("jobs.go lacks %q", want)
		}
	}
	owned := Owned(m, "main")
	if len(owned) != 2 || !strings.Contains(string(owned["job_other.go"]), "func (jobHandlers) Other(") {
		t.Fatalf("owned files: %v", owned)
	}
	dir := t.TempDir()
	created, err := WriteOwned(dir, owned)
	if err != nil || len(created) != 2 {
		t.Fatalf("created %v, %v", created, err)
	}
	// the user's edit survives a second generate
	os.WriteFile(filepath.Join(dir, "job_other.go"), []byte("package main // mine\n"), 0o644)
	if created, _ := WriteOwned(dir, owned); len(created) != 0 {
		t.Fatalf("recreated %v", created)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "job_other.go")); string(b) != "package main // mine\n" {
		t.Fatal("a user-owned file was overwritten")
	}
	if m := MissingOwned(dir, owned); len(m) != 0 {
		t.Fatalf("missing %v", m)
	}
}
