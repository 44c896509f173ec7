//go:build !cgo

package athenasql

import "testing"

// TestNeedsCgo says why the SQL tests did not run: DuckDB is a C++ library.
func TestNeedsCgo(t *testing.T) {
	t.Skip("the Athena SQL tests need cgo (DuckDB); run them with CGO_ENABLED=1 and a C compiler")
}
