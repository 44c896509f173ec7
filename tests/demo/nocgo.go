//go:build !cgo

// Command demo needs cgo: it runs the shipped SQL on DuckDB.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "demo: the ledger is queried with DuckDB, which needs cgo; run with CGO_ENABLED=1 and a C compiler")
	os.Exit(1)
}
