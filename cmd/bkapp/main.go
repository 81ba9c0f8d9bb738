// Command bkapp is the application of this repository: the tables of
// schema/ served over REST, on embedded SQLite by default.
//
//	go run ./cmd/bkapp              # serves on :8000, data in ./var/default.db
//	go run ./cmd/bkapp -help        # every parameter
package main

import (
	"os"

	"github.com/bkgen/bkgen/generated/server"
)

func main() { os.Exit(server.App().Main(os.Args[1:])) }
