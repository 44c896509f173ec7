//go:build cgo

package athenasql

import (
	"database/sql"
	"testing"
)

// TestTheShimBehavesLikeTrino checks each shimmed function against Trino's
// documented behaviour, where DuckDB's built-in of the same name differs.
func TestTheShimBehavesLikeTrino(t *testing.T) {
	e, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = e.Close() }()
	for _, c := range []struct {
		name, expr string
		want       sql.NullString
	}{
		{"json_extract_scalar reads a scalar", `json_extract_scalar('{"a":{"b":"x"}}', '$.a.b')`, sql.NullString{String: "x", Valid: true}},
		{"json_extract_scalar reads a bracket path", `json_extract_scalar('{"x-amz-version-id":"v1"}', '$["x-amz-version-id"]')`, sql.NullString{String: "v1", Valid: true}},
		{"json_extract_scalar gives NULL for an object", `json_extract_scalar('{"a":{"b":1}}', '$.a')`, sql.NullString{}},
		{"json_extract_scalar gives NULL for invalid JSON", `json_extract_scalar('not json', '$.a')`, sql.NullString{}},
		{"json_extract_scalar renders numbers as text", `json_extract_scalar('{"n":16.0}', '$.n')`, sql.NullString{String: "16.0", Valid: true}},
		{"regexp_extract gives NULL without a match", `regexp_extract('arn:aws:sts::1:assumed-role/lambda-role/fn', '/AWSReservedSSO_[^/]+/(.+)$', 1)`, sql.NullString{}},
		{"regexp_extract gives the group of a match", `regexp_extract('assumed-role/AWSReservedSSO_X_0/alice@example.com', '/AWSReservedSSO_[^/]+/(.+)$', 1)`, sql.NullString{String: "alice@example.com", Valid: true}},
		{"from_iso8601_timestamp reads CloudTrail's form", `CAST(from_iso8601_timestamp('2026-11-27T10:01:02Z') AS VARCHAR)`, sql.NullString{String: "2026-11-27 10:01:02+00", Valid: true}},
		{"integer division truncates", `CAST(5/2 AS VARCHAR)`, sql.NullString{String: "2", Valid: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got sql.NullString
			if err := e.DB.QueryRow("SELECT " + c.expr).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("%s = %+v, want %+v", c.expr, got, c.want)
			}
		})
	}
	var v sql.NullString
	if err := e.DB.QueryRow(`SELECT CAST(from_iso8601_timestamp('2026-11-27 10:01:02') AS VARCHAR)`).Scan(&v); err == nil {
		t.Errorf("from_iso8601_timestamp accepted a space instead of T (%v); Trino refuses it", v)
	}
}
