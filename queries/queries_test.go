package queries

import (
	"regexp"
	"strings"
	"testing"
)

var names = Names{Database: "sdp_prod_audit", CloudTrailTable: "cloudtrail_logs", ReceiptsTable: "provenance_receipts",
	RawBucket: "sdp-prod-raw-data", IncomingPrefix: "incoming/"}

func TestRenderFillsEveryStatementWithTheStacksNames(t *testing.T) {
	qs, err := Render(names)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range qs {
		got = append(got, q.Name)
		if strings.Contains(q.SQL, "{{") || q.Description == "" {
			t.Errorf("%s: unrendered template or no leading comment", q.Name)
		}
		if !strings.Contains(q.SQL, "sdp_prod_audit.") {
			t.Errorf("%s does not name its database", q.Name)
		}
	}
	want := "chain_of_custody create_cloudtrail_s3_events_flattened create_provenance_ledger validate_recent_uploads"
	if strings.Join(got, " ") != want {
		t.Errorf("statements = %v, want %s", got, want)
	}
}

func TestRenderRefusesNamesThatWouldChangeTheSQL(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Names)
	}{
		{"a database with a quote", func(n *Names) { n.Database = "audit'; DROP" }},
		{"a database with a hyphen", func(n *Names) { n.Database = "sdp-prod" }},
		{"a table in upper case", func(n *Names) { n.ReceiptsTable = "Receipts" }},
		{"a bucket with a quote", func(n *Names) { n.RawBucket = "raw'data" }},
		{"a prefix with a LIKE wildcard", func(n *Names) { n.IncomingPrefix = "in_coming/" }},
		{"a prefix without a slash", func(n *Names) { n.IncomingPrefix = "incoming" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := names
			c.edit(&n)
			if _, err := Render(n); err == nil {
				t.Error("Render accepted it")
			}
		})
	}
}

// TestTheSQLUsesNoDuckDBOnlySyntax keeps out what DuckDB would run in the
// tests but Athena (Trino) would reject: the SQL tests cannot see these.
func TestTheSQLUsesNoDuckDBOnlySyntax(t *testing.T) {
	deny := map[string]*regexp.Regexp{
		"the :: cast":                           regexp.MustCompile(`::`),
		"CAST(... AS STRING)":                   regexp.MustCompile(`(?i)\bAS\s+STRING\b`),
		"backticks":                             regexp.MustCompile("`"),
		"the ->> operator":                      regexp.MustCompile(`->>`),
		"lambda x: syntax":                      regexp.MustCompile(`(?i)\blambda\s`),
		"DuckDB list_ functions":                regexp.MustCompile(`(?i)\blist_\w+\s*\(`),
		"strftime/strptime":                     regexp.MustCompile(`(?i)\bstr[fp]time\s*\(`),
		"json_extract_string":                   regexp.MustCompile(`(?i)\bjson_extract_string\b`),
		"regexp_matches":                        regexp.MustCompile(`(?i)\bregexp_matches\b`),
		"GROUP BY ALL":                          regexp.MustCompile(`(?i)\bGROUP\s+BY\s+ALL\b`),
		"SELECT * EXCLUDE":                      regexp.MustCompile(`(?i)\bEXCLUDE\s*\(`),
		"a CAST of eventtime to TIMESTAMP":      regexp.MustCompile(`(?i)CAST\s*\(\s*eventtime\s+AS\s+TIMESTAMP`),
		"lambda functions other than filter":    regexp.MustCompile(`(?i)\b(transform|any_match|all_match|none_match|reduce|zip_with)\s*\(`),
		"row-expanding UNNEST (DuckDB differs)": regexp.MustCompile(`(?i)\bUNNEST\s*\(`),
	}
	qs, err := Render(names)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		for what, re := range deny {
			if loc := re.FindStringIndex(q.SQL); loc != nil {
				t.Errorf("%s uses %s at %q", q.Name, what, q.SQL[loc[0]:min(loc[1]+20, len(q.SQL))])
			}
		}
	}
}
