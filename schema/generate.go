// Package schema declares the tables of this application: ent schemas with
// bkgen annotations (package bk). `go generate ./...` compiles them into
// ../generated.
package schema

//go:generate go run github.com/bkgen/bkgen/cmd/bkgen generate -q -name bkapp -schema . -out ../generated -handlers ../cmd/bkapp
