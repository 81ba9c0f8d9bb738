package gen

import (
	"strings"
	"testing"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/bkgen/bkgen/schema/bk"
)

// TestModulesRejects: a schema that breaks a module is refused with the
// table and what it needs; a complete one gives the module its types.
func TestModulesRejects(t *testing.T) {
	type BkCounter struct{ bk.CounterSchema }
	type BkConnection struct{ bk.ConnectionSchema }
	type BkReference struct{ bk.ReferenceSchema }
	type BkMessage struct{ bk.MessageSchema }
	type BkLocation struct{ bk.LocationSchema }
	type BkIcon struct{ bk.IconSchema }
	check := func(t *testing.T, want string, account bool, schemas ...ent.Interface) *Modules {
		t.Helper()
		m, err := BuildModel(spec(t, schemas...))
		if err != nil {
			t.Fatal(err)
		}
		mods, err := modulesOf(m, account)
		if want == "" {
			if err != nil {
				t.Fatal(err)
			}
			return mods
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
		return nil
	}
	t.Run("complete", func(t *testing.T) {
		mods := check(t, "", true, BkCounter{}, BkConnection{}, BkReference{}, BkLocation{})
		if strings.Join(mods.Types, ",") != "follow,like" || mods.Counter == nil || mods.Message != nil || !mods.Any() {
			t.Fatalf("%+v", mods)
		}
	})
	t.Run("no account", func(t *testing.T) { check(t, "needs the bk_account table", false, BkCounter{}) })
	t.Run("icons", func(t *testing.T) {
		if mods := check(t, "", true, BkIcon{}); mods.Icon == nil || mods.Counter != nil || !mods.Any() {
			t.Fatalf("%+v", mods)
		}
	})
	t.Run("a table on a module's routes", func(t *testing.T) {
		type Image struct{ testSchema }
		check(t, "the table image would have the routes of a module (/image/*)", true, BkIcon{}, Image{testSchema{fields: []ent.Field{field.String("id").Annotations(bk.Primary())}}})
		type File struct{ testSchema }
		check(t, "the table file would have the routes of files (/file/*)", true, File{testSchema{fields: []ent.Field{field.String("id").Annotations(bk.Primary())}}})
	})
	t.Run("an icon column of another type", func(t *testing.T) {
		type BkIcon struct{ testSchema }
		f := bk.IconSchema{}.Fields()
		f[6] = field.Int("ext")
		check(t, "needs the column ext of Go type string", true, BkIcon{testSchema{fields: f}})
	})
	t.Run("connection without reference", func(t *testing.T) {
		check(t, "the module needs all of bk_connection and bk_reference", true, BkCounter{}, BkConnection{})
	})
	t.Run("messages without the rest", func(t *testing.T) {
		check(t, "bk_message, bk_archive and bk_sent", true, BkCounter{}, BkMessage{})
	})
	t.Run("connections without counters", func(t *testing.T) {
		check(t, "keeps counters in bk_counter", true, BkConnection{}, BkReference{})
	})
	t.Run("a missing column", func(t *testing.T) {
		type BkLocation struct{ testSchema }
		check(t, "needs the column cell", true, BkLocation{testSchema{fields: []ent.Field{field.String("id").Annotations(bk.Primary())}}})
	})
	t.Run("another key", func(t *testing.T) {
		type BkCounter struct{ testSchema }
		check(t, "must keep the key of its bk schema", true, BkCounter{testSchema{fields: []ent.Field{
			field.String("id").Annotations(bk.Primary(1)), field.String("x").Annotations(bk.Primary(2))}}})
	})
}
