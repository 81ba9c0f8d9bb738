package db

import (
	"fmt"
	"time"
)

// Kind is how a column is stored and compared; every Go type of the schema
// maps to one kind, and each backend has one storage type per kind.
type Kind uint8

const (
	KindString Kind = iota + 1 // string, enum, uuid: text compared byte-wise
	KindInt                    // all signed and small unsigned integers: int64
	KindFloat                  // float32/float64: double precision
	KindBool
	KindTime  // time.Time with µs precision, UTC
	KindBytes // []byte
	KindJSON  // any JSON value; stored as JSON text, nil is NULL
)

// kindInfo is what the runtime knows of a kind, one entry per kind.
type kindInfo struct {
	name      string // in errors and in /data/columns
	zero      any    // the canonical zero: what a NOT NULL column added by an upgrade holds in existing rows
	dynamoKey bool   // can be a DynamoDB key (S, N or B)
}

var kinds = [...]kindInfo{
	KindString: {name: "string", zero: "", dynamoKey: true},
	KindInt:    {name: "int", zero: int64(0), dynamoKey: true},
	KindFloat:  {name: "float", zero: float64(0), dynamoKey: true},
	KindBool:   {name: "bool", zero: false},
	KindTime:   {name: "time", zero: time.Time{}, dynamoKey: true},
	KindBytes:  {name: "bytes", zero: []byte{}, dynamoKey: true},
	KindJSON:   {name: "json", zero: nil},
}

func (k Kind) info() kindInfo {
	if int(k) < len(kinds) {
		return kinds[k]
	}
	return kindInfo{name: "invalid", zero: ""}
}

func (k Kind) String() string { return k.info().name }

// Zero is the canonical zero of the kind: what a NOT NULL column of an
// existing row gets when the column is added by an upgrade.
func (k Kind) Zero() any { return k.info().zero }

// Column describes one column of a table; generated code builds them.
type Column struct {
	Name     string
	Kind     Kind
	Bits     int  // integers: 8, 16, 32 or 64 (sizes the SQL type)
	Nullable bool // the Go field is a pointer (or JSON): NULL is a value
	Key      int  // 1-based primary-key position; 0 when not a key
	AutoID   bool // integer key assigned by the database when zero on Add
	Now      bool // set to the current ms on every write
	Counter  bool // changed by Incr
	UUID     bool // generated on Add/Put when empty
	Pub      bool
	Owner    bool
	Secure   bool
	Admin    bool
	Enums    []string
	// Default is the canonical value used as the SQL DEFAULT when the column
	// is created or added; nil means the zero value of the kind (or NULL for
	// nullable columns).
	Default any
}

// Index is a secondary index over columns (positions in Table.Columns).
type Index struct {
	Name    string
	Columns []int
	Unique  bool
}

// Set is one column assignment of an update: Val is canonical (see Arg).
type Set struct {
	Col int
	Val any
}

// WriteOp names a write: the generated prepare functions fill a row for
// one, and row hooks (Hooks) see which one they run before.
type WriteOp uint8

const (
	OpAdd WriteOp = iota + 1
	OpPut
	OpIncr
	OpUpdate
	OpDel
	OpUpdateAll
	OpDelAll
)

var opNames = [...]string{OpAdd: "add", OpPut: "put", OpIncr: "incr", OpUpdate: "update", OpDel: "del", OpUpdateAll: "updateAll", OpDelAll: "delAll"}

func (op WriteOp) String() string {
	if int(op) < len(opNames) && opNames[op] != "" {
		return opNames[op]
	}
	return fmt.Sprintf("WriteOp(%d)", op)
}

// Table is the static description of one table that generated code hands to
// the engine, with the typed accessors that keep reflection off the hot path.
type Table[R any] struct {
	Schema
	// Arg returns the canonical value of column col of r: string, int64,
	// float64, bool, time.Time, []byte, JSON text as string, or nil for NULL.
	Arg func(r *R, col int) (any, error)
	// Dest returns a scan target writing column col into r.
	Dest func(r *R, col int) any
}

// Schema is what a table is, whatever the Go type of its rows: its name,
// columns, keys and indexes. Table[R] adds the typed accessors of the rows.
// What needs no row (column lookups, plans, SQL text, conditions) is
// written on Schema, not on Table[R] or a driver's store[R]: Go compiles a
// generic type's methods once per row struct (its GC shape), so code there
// is in the binary, and compiled, once per table (issue 16 measured 160 KB
// and most of generated/store's compile time in such copies).
type Schema struct {
	Name    string
	Columns []Column
	Keys    []int // column positions in key order
	Indexes []Index
	// SkipPools names the pools (sqlite, pgsql, dynamodb) the table is not in.
	SkipPools []string
	// Pool (bk.Pool) names the pool that keeps the table; "" is the
	// default. -db-table-TABLE wins over it.
	Pool string
	// CacheTTL (bk.Cache) makes Get read through the pool's cache, keeping
	// rows this long; 0 means no cache.
	CacheTTL time.Duration

	colIndex map[string]int
	colPtrs  []*Column
}

// Col returns the position of the named column, or -1.
func (t *Schema) Col(name string) int {
	if t.colIndex == nil {
		return t.findCol(name)
	}
	if i, ok := t.colIndex[name]; ok {
		return i
	}
	return -1
}

func (t *Schema) findCol(name string) int {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return i
		}
	}
	return -1
}

func (t *Schema) init() {
	if t.colIndex != nil {
		return
	}
	m := make(map[string]int, len(t.Columns))
	for i := range t.Columns {
		m[t.Columns[i].Name] = i
	}
	t.colPtrs = make([]*Column, len(t.Columns))
	for i := range t.Columns {
		t.colPtrs[i] = &t.Columns[i]
	}
	t.colIndex = m
}

func (t *Schema) isKey(col int) bool { return t.Columns[col].Key > 0 }

// TableInfo is a table's description for introspection (/data/columns).
type TableInfo struct {
	Name    string       `json:"name"`
	Keys    []string     `json:"keys"`
	Columns []ColumnInfo `json:"columns"`
	Indexes []IndexInfo  `json:"indexes,omitempty"`
	// where the table is kept: for the start-up check of the pools, not
	// for clients
	Pool      string   `json:"-"`
	SkipPools []string `json:"-"`
}

// ColumnInfo describes a column the backendjs way.
type ColumnInfo struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Primary  int      `json:"primary,omitempty"`
	Nullable bool     `json:"nullable,omitempty"`
	Pub      bool     `json:"pub,omitempty"`
	Owner    bool     `json:"owner,omitempty"`
	Admin    bool     `json:"admin,omitempty"`
	Secure   bool     `json:"secure,omitempty"`
	Now      bool     `json:"now,omitempty"`
	Counter  bool     `json:"counter,omitempty"`
	UUID     bool     `json:"uuid,omitempty"`
	AutoID   bool     `json:"auto,omitempty"`
	Values   []string `json:"values,omitempty"`
}

// IndexInfo describes an index.
type IndexInfo struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique,omitempty"`
}

// Info describes t.
func (t *Schema) Info() TableInfo {
	ti := TableInfo{Name: t.Name, Pool: t.Pool, SkipPools: t.SkipPools}
	for _, k := range t.Keys {
		ti.Keys = append(ti.Keys, t.Columns[k].Name)
	}
	for _, c := range t.Columns {
		ti.Columns = append(ti.Columns, ColumnInfo{Name: c.Name, Type: c.Kind.String(), Primary: c.Key, Nullable: c.Nullable,
			Pub: c.Pub, Owner: c.Owner, Admin: c.Admin, Secure: c.Secure, Now: c.Now, Counter: c.Counter, UUID: c.UUID, AutoID: c.AutoID, Values: c.Enums})
	}
	for _, ix := range t.Indexes {
		ii := IndexInfo{Name: ix.Name, Unique: ix.Unique}
		for _, c := range ix.Columns {
			ii.Columns = append(ii.Columns, t.Columns[c].Name)
		}
		ti.Indexes = append(ti.Indexes, ii)
	}
	return ti
}
