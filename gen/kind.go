package gen

import "github.com/dave/jennifer/jen"

// Kind is the kind of a column's values: what every emitter switches on.
// Each kind's facts are one entry of kinds, so that a new kind is one entry
// there (and its runtime half in runtime/db), not a case in every emitter.
type Kind int

const (
	KindString Kind = iota + 1 // strings, enums and uuids
	KindInt
	KindFloat
	KindBool
	KindTime
	KindBytes
	KindJSON
)

// kindInfo is what the emitters need to know of a kind.
type kindInfo struct {
	db       string // the runtime/db Kind constant
	oas      string // the OpenAPI schema of its values in replies (a YAML flow mapping's body)
	typeName string // how the documentation names its wire type
	gql      string // its GraphQL scalar
	wire     string // the Go type ogen and gqlgen give its values: int64, time.Time, …
	opt      string // the ogen constructor of an optional reply value
	name     string // its runtime/db name (/data/columns, job payload fields)
	ts       string // the TypeScript type of its JSON values (integers are numbers: past 2^53 they lose precision, as JSON.parse)
	rest     string // its runtime/rest reader (Str, or NStr for a nullable column) and reply field writer (FieldStr, FieldNStr)
}

var kinds = map[Kind]kindInfo{
	KindString: {db: "KindString", oas: "type: string", typeName: "string", gql: "String", wire: "string", opt: "NewOptString", name: "string", ts: "string", rest: "Str"},
	KindInt:    {db: "KindInt", oas: "type: integer, format: int64", typeName: "integer", gql: "Int64", wire: "int64", opt: "NewOptInt64", name: "int", ts: "number", rest: "Int"},
	KindFloat:  {db: "KindFloat", oas: "type: number, format: double", typeName: "number", gql: "Float", wire: "float64", opt: "NewOptFloat64", name: "float", ts: "number", rest: "Float"},
	KindBool:   {db: "KindBool", oas: "type: boolean", typeName: "boolean", gql: "Boolean", wire: "bool", opt: "NewOptBool", name: "bool", ts: "boolean", rest: "Bool"},
	KindTime: {db: "KindTime", oas: `type: string, format: date-time, x-ogen-time-format: "2006-01-02T15:04:05.999999Z07:00"`,
		typeName: "time (RFC 3339 in replies; also a date or Unix ms in requests)", gql: "Time", wire: "time.Time", opt: "NewOptDateTime",
		name: "time", ts: "string", rest: "Time"},
	// bytes are base64 strings on the wire; JSON values have no one type
	KindBytes: {db: "KindBytes", oas: "type: string, format: byte", typeName: "bytes (base64)", gql: "String", wire: "string", opt: "NewOptString", name: "bytes", ts: "string", rest: "Bytes"},
	KindJSON:  {db: "KindJSON", oas: "", typeName: "JSON", gql: "Any", wire: "string", opt: "NewOptString", name: "json", ts: "unknown", rest: "JSON"},
}

// String is the runtime/db constant of the kind.
func (k Kind) String() string { return kinds[k].db }

// wireCode is the wire Go type of kind k.
func wireCode(k Kind) *jen.Statement {
	if w := kinds[k].wire; w != "time.Time" {
		return jen.Id(w)
	}
	return jen.Qual("time", "Time")
}
