//go:build cgo

package athenasql

// settings make a DuckDB session behave like an Athena one where the shipped
// SQL could tell the difference.
var settings = []string{
	"SET TimeZone = 'UTC'",                      // Athena sessions are UTC
	"SET integer_division = true",               // Trino: 5/2 = 2
	"SET autoinstall_known_extensions = false",  // never reach for the network
	"SET autoload_known_extensions = false",     // json and icu are linked in
	"SET lambda_syntax = 'ENABLE_SINGLE_ARROW'", // Trino's x -> expr
}

// shim defines, as DuckDB macros in the main schema (which shadow built-ins
// of the same name), the Trino functions the shipped SQL uses whose DuckDB
// namesakes differ or are missing. system.main.<name> still reaches the
// built-in. Add a function here only when a shipped statement needs it, with
// a test of its Trino semantics in shim_test.go.
var shim = []string{
	// Trino JSON paths accept $["x-amz-version-id"]; DuckDB wants $."x-amz-version-id".
	`CREATE OR REPLACE MACRO trino_jsonpath(p) AS
	   system.main.regexp_replace(p, '\[\s*"([^"]*)"\s*\]', '."\1"', 'g')`,
	// Trino returns NULL for objects, arrays and invalid JSON.
	`CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS
	   CASE WHEN j IS NULL OR NOT json_valid(j) THEN NULL
	        WHEN json_type(j, trino_jsonpath(p)) IN ('OBJECT', 'ARRAY') THEN NULL
	        ELSE json_extract_string(j, trino_jsonpath(p)) END`,
	// DuckDB's cast accepts more than Trino's ISO 8601 parser: check the shape first.
	`CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS
	   CASE WHEN s IS NULL THEN NULL
	        WHEN regexp_full_match(s, '\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2}([.,]\d+)?)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?')
	          THEN CAST(s AS TIMESTAMPTZ)
	        ELSE error('Invalid format: "' || s || '"') END`,
	// DuckDB returns '' where Trino returns NULL for no match.
	`CREATE OR REPLACE MACRO regexp_extract(s, p) AS
	   CASE WHEN regexp_matches(s, p) THEN system.main.regexp_extract(s, p) END,
	   (s, p, g) AS CASE WHEN regexp_matches(s, p) THEN system.main.regexp_extract(s, p, g) END`,
}
