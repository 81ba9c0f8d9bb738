package gen

import (
	"fmt"
	"sort"
	"strings"
)

// Modules are the backendjs modules a schema opts into, found by their
// tables' names (schema/bk/modules.go has their schemas): what
// templates/modules.go.tmpl generates the routes and row hooks of. A
// module's table keeps the columns its code reads and writes; an
// application may add columns to it.
type Modules struct {
	Counter                *Table // bk_counter
	Connection, Reference  *Table // bk_connection, bk_reference
	Message, Archive, Sent *Table // bk_message, bk_archive, bk_sent
	Location               *Table // bk_location
	Icon                   *Table // bk_icon
	// Counters are bk_counter's counter columns, which /counter/incr takes
	// and the other modules bump by name.
	Counters []*Column
	// Types are the default connection types: TYPE where bk_counter has
	// TYPE0 and TYPE1.
	Types []string
	// Free are the counters a client may change with /counter/incr: not
	// those the modules keep (TYPE0, TYPE1, msg_count, msg_unread), which
	// a client could otherwise set to anything, such as its public like1.
	Free []*Column
}

// Any reports whether the schema has a module.
func (m *Modules) Any() bool {
	return m.Counter != nil || m.Connection != nil || m.Message != nil || m.Location != nil || m.Icon != nil
}

// moduleColumn is a column a module needs: its name and Go type.
type moduleColumn struct{ name, ident string }

func cols(spec string) []moduleColumn {
	var out []moduleColumn
	for _, f := range strings.Fields(spec) {
		name, ident, _ := strings.Cut(f, ":")
		out = append(out, moduleColumn{name, ident})
	}
	return out
}

var (
	edgeColumns    = cols("id:string ref:string type:string peer:string name:string status:string mtime:int64")
	messageColumns = func(other string) []moduleColumn {
		return cols("id:string mid:string " + other + ":string name:string msg:string mtime:int64")
	}
	moduleTables = []struct {
		name, module string
		columns      []moduleColumn
		pick         func(*Modules) **Table
	}{
		{"bk_counter", "counters", cols("id:string"), func(m *Modules) **Table { return &m.Counter }},
		{"bk_connection", "connections", edgeColumns, func(m *Modules) **Table { return &m.Connection }},
		{"bk_reference", "connections", edgeColumns, func(m *Modules) **Table { return &m.Reference }},
		{"bk_message", "messages", append(messageColumns("sender"), cols("read:bool")...), func(m *Modules) **Table { return &m.Message }},
		{"bk_archive", "messages", messageColumns("sender"), func(m *Modules) **Table { return &m.Archive }},
		{"bk_sent", "messages", messageColumns("recipient"), func(m *Modules) **Table { return &m.Sent }},
		{"bk_location", "locations", cols("id:string cell:string geohash:string latitude:float64 longitude:float64 mtime:int64"), func(m *Modules) **Table { return &m.Location }},
		{"bk_icon", "icons", cols("id:string ref:string prefix:string type:string descr:string acl_allow:string ext:string width:int64 height:int64 size:int64 ver:int64 mtime:int64"), func(m *Modules) **Table { return &m.Icon }},
	}
)

// modulesOf finds and checks the modules of m.
func modulesOf(m *Model, hasAccount bool) (*Modules, error) {
	mods := &Modules{}
	for _, mt := range moduleTables {
		for _, t := range m.Tables {
			if t.Name != mt.name {
				continue
			}
			if !hasAccount {
				return nil, fmt.Errorf("%s: %s (module %s) needs the bk_account table (bk.AccountSchema)", t.Pos, t.Name, mt.module)
			}
			for _, want := range mt.columns {
				c := t.column(want.name)
				if c == nil || c.Type.Ident != want.ident || c.Nillable {
					return nil, fmt.Errorf("%s: %s (module %s) needs the column %s of Go type %s, not nillable (embed its bk schema)", t.Pos, t.Name, mt.module, want.name, want.ident)
				}
			}
			if k := t.Keys; t.Name != "bk_counter" && t.Name != "bk_location" && (len(k) != 2 || k[0].Name != "id" || k[1].Name != mt.columns[1].name) ||
				(t.Name == "bk_counter" || t.Name == "bk_location") && (len(k) != 1 || k[0].Name != "id") {
				return nil, fmt.Errorf("%s: %s (module %s) must keep the key of its bk schema", t.Pos, t.Name, mt.module)
			}
			*mt.pick(mods) = t
		}
	}
	// the module routes are /NAME/*: no table of the API may be NAME
	taken := map[string]string{"file": "files (/file/*)"}
	for _, r := range []struct {
		on    bool
		names string
	}{{mods.Counter != nil, "counter"}, {mods.Connection != nil, "connection reference"}, {mods.Message != nil, "message"},
		{mods.Location != nil, "location"}, {mods.Icon != nil, "icon image"}} {
		for _, n := range strings.Fields(r.names) {
			if r.on {
				taken[n] = "a module (/" + n + "/*)"
			}
		}
	}
	for _, t := range m.Tables {
		if by, ok := taken[t.Name]; ok && !t.NoAPI {
			return nil, fmt.Errorf("%s: the table %s would have the routes of %s: rename it (bk.Table) or make it bk.NoAPI()", t.Pos, t.Name, by)
		}
	}
	for _, pair := range []struct {
		a, b *Table
		need string
	}{{mods.Connection, mods.Reference, "bk_connection and bk_reference"}, {mods.Message, mods.Archive, "bk_message, bk_archive and bk_sent"}, {mods.Message, mods.Sent, "bk_message, bk_archive and bk_sent"}, {mods.Archive, mods.Sent, "bk_message, bk_archive and bk_sent"}} {
		if (pair.a == nil) != (pair.b == nil) {
			t := pair.a
			if t == nil {
				t = pair.b
			}
			return nil, fmt.Errorf("%s: %s: the module needs all of %s", t.Pos, t.Name, pair.need)
		}
	}
	if (mods.Connection != nil || mods.Message != nil) && mods.Counter == nil {
		t := mods.Connection
		if t == nil {
			t = mods.Message
		}
		return nil, fmt.Errorf("%s: %s: the module keeps counters in bk_counter (bk.CounterSchema)", t.Pos, t.Name)
	}
	if mods.Counter != nil {
		mods.Counters = mods.Counter.Counters()
		for _, c := range mods.Counters {
			if c.Type.Ident != "int64" {
				return nil, fmt.Errorf("%s: bk_counter counter %s must be an int64", mods.Counter.Pos, c.Name)
			}
		}
		has := map[string]bool{}
		for _, c := range mods.Counters {
			has[c.Name] = true
		}
		for _, c := range mods.Counters {
			if t, ok := strings.CutSuffix(c.Name, "0"); ok && has[t+"1"] {
				mods.Types = append(mods.Types, t)
			}
		}
		sort.Strings(mods.Types)
		kept := map[string]bool{"msg_count": mods.Message != nil, "msg_unread": mods.Message != nil}
		for _, t := range mods.Types {
			kept[t+"0"], kept[t+"1"] = true, true
		}
		for _, c := range mods.Counters {
			if !kept[c.Name] {
				mods.Free = append(mods.Free, c)
			}
		}
		if mods.Message != nil && (!has["msg_count"] || !has["msg_unread"]) {
			return nil, fmt.Errorf("%s: bk_counter needs the counters msg_count and msg_unread for the messages module", mods.Counter.Pos)
		}
	}
	return mods, nil
}
