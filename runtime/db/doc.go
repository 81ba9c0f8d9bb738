// Package db is the runtime half of bkgen's generated store: connection pools
// (SQLite, PostgreSQL), the generic engine that runs every table operation on
// them, and the small vocabulary shared with generated code (errors, queries,
// typed columns, page tokens).
//
// Generated code (generated/store) describes each table once in a Table value
// — its columns and keys, plus typed functions that read a column out of a
// row (Arg) and give a scan target for it (Dest). The engine builds SQL from
// that description, so no reflection runs on any request path.
//
// All backends honour one contract: the conformance suite (tests/conformance)
// runs the same cases on each of them.
package db
