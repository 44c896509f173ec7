// Package queries holds the Athena SQL the pipeline ships, one statement per
// .sql file, and renders it with the real database, table and bucket names.
// The Pulumi program saves the rendered statements as Athena named queries;
// the SQL tests run the very same text.
package queries

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

//go:embed *.sql
var files embed.FS

// Names are the values the statements are rendered with.
type Names struct {
	Database        string // Glue database
	CloudTrailTable string // table over the CloudTrail logs
	ReceiptsTable   string // table over the receipts
	RawBucket       string // the raw bucket
	IncomingPrefix  string // where uploads arrive, for example "incoming/"
}

// Query is one rendered statement.
type Query struct {
	// Name is the file name without ".sql", for example
	// "create_provenance_ledger".
	Name string
	// Description is the file's leading comment, joined into one line.
	Description string
	// SQL is the rendered statement, comments included.
	SQL string
}

var (
	identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,254}$`)
	bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	prefix     = regexp.MustCompile(`^[A-Za-z0-9!_.*'()/-]+/$`)
)

// Validate refuses names that would need quoting or could change a
// statement's meaning: they are pasted into SQL text.
func (n Names) Validate() error {
	for field, v := range map[string]string{"Database": n.Database, "CloudTrailTable": n.CloudTrailTable, "ReceiptsTable": n.ReceiptsTable} {
		if !identifier.MatchString(v) {
			return fmt.Errorf("queries: %s %q must be lower-case letters, digits and underscores, starting with a letter or underscore", field, v)
		}
	}
	if !bucketName.MatchString(n.RawBucket) {
		return fmt.Errorf("queries: RawBucket %q is not a bucket name", n.RawBucket)
	}
	if !prefix.MatchString(n.IncomingPrefix) || strings.ContainsAny(n.IncomingPrefix, "'%_") {
		return fmt.Errorf("queries: IncomingPrefix %q must be a folder such as \"incoming/\", without quotes, %% or _", n.IncomingPrefix)
	}
	return nil
}

// Render renders every statement, sorted by name.
func Render(n Names) ([]Query, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	entries, err := files.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var out []Query
	for _, e := range entries {
		text, err := files.ReadFile(e.Name())
		if err != nil {
			return nil, err
		}
		tmpl, err := template.New(e.Name()).Option("missingkey=error").Parse(string(text))
		if err != nil {
			return nil, fmt.Errorf("queries: %s: %w", e.Name(), err)
		}
		var sql bytes.Buffer
		if err := tmpl.Execute(&sql, n); err != nil {
			return nil, fmt.Errorf("queries: %s: %w", e.Name(), err)
		}
		out = append(out, Query{
			Name:        strings.TrimSuffix(e.Name(), ".sql"),
			Description: description(string(text)),
			SQL:         sql.String(),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// description joins a statement's leading "--" comment lines.
func description(sql string) string {
	var parts []string
	for _, line := range strings.Split(sql, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "--") {
			break
		}
		parts = append(parts, strings.TrimSpace(strings.TrimPrefix(line, "--")))
	}
	return strings.Join(parts, " ")
}
