// Command bkapp is the application of this repository: the tables of
// schema/ served over REST and GraphQL, on embedded SQLite by default, and
// its background jobs (job_*.go), parameters and hooks (hooks.go).
//
//	go run ./cmd/bkapp              # serves on :8000, data in ./var/default.db
//	go run ./cmd/bkapp worker       # runs jobs from -jobs-queue redis://…
//	go run ./cmd/bkapp -help        # every parameter
package main

import (
	"os"

	"github.com/bkgen/bkgen/generated/server"
	"github.com/bkgen/bkgen/generated/store"
	"github.com/bkgen/bkgen/runtime/db"
	"github.com/bkgen/bkgen/runtime/hook"
)

func main() {
	a := server.App(jobHandlers{})
	a.Params = params
	a.RowHooks = func(p *db.Pool) { rowHooks(store.HooksOn(p)) }
	a.RequestHooks = func(h *hook.Hooks, p *db.Pool) { requestHooks(h) }
	os.Exit(a.Main(os.Args[1:]))
}
