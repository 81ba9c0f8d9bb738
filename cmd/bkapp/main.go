// Command bkapp is the application of this repository: the tables of
// schema/ served over REST and GraphQL, on embedded SQLite by default, and
// its background jobs (job_*.go).
//
//	go run ./cmd/bkapp              # serves on :8000, data in ./var/default.db
//	go run ./cmd/bkapp worker       # runs jobs from -jobs-queue redis://…
//	go run ./cmd/bkapp -help        # every parameter
package main

import (
	"os"

	"github.com/bkgen/bkgen/generated/server"
)

func main() { os.Exit(server.App(jobHandlers{}).Main(os.Args[1:])) }
