//go:build cgo

package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
)

// TestTheDemoPrintsALedgerRowForEveryUpload keeps `make demo` working: it
// runs the whole demo and checks the ledger it prints.
func TestTheDemoPrintsALedgerRowForEveryUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the function")
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, row := range []string{
		`MATCHED +incoming/report\.csv +alice@example\.com +2b19eb0a580a9528`,
		`MATCHED +incoming/sensor readings\.json +bob@example\.com +5e58782cebfdfdbe`,
		`MISSING_OBJECT +incoming/draft\.txt +alice@example\.com +-`,
		`NO_RECEIPT +incoming/late\.csv +bob@example\.com +-`,
	} {
		if !regexp.MustCompile(row).Match(out.Bytes()) {
			t.Errorf("demo output has no row matching %q:\n%s", row, out.String())
		}
	}
}
