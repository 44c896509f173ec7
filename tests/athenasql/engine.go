//go:build cgo

package athenasql

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/caa304/secure-data-pipeline/components/glueschema"
)

// Engine is an in-memory DuckDB database made to look like Athena.
type Engine struct {
	DB      *sql.DB
	scratch string
}

// Open starts an engine; scratch is a directory for the files it loads from.
func Open(scratch string) (*Engine, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	// Settings are per connection; macros live in the database.
	db.SetMaxOpenConns(1)
	for _, s := range append(settings, shim...) {
		if _, err := db.Exec(s); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}
	return &Engine{DB: db, scratch: scratch}, nil
}

// Close closes the database.
func (e *Engine) Close() error { return e.DB.Close() }

// CreateTable creates schema.name with the Glue columns, then the partition
// columns (strings, as projected), as Athena orders them.
func (e *Engine) CreateTable(schema, name string, cols, partitions []glueschema.Column) (*table, error) {
	t, err := newTable(name, cols)
	if err != nil {
		return nil, err
	}
	var defs []string
	for i, c := range cols {
		defs = append(defs, fmt.Sprintf("%q %s", c.Name, t.parsed[i].duckDB()))
	}
	for _, p := range partitions {
		if p.Type != "string" {
			return nil, fmt.Errorf("partition %s is %s; projected partitions here are strings", p.Name, p.Type)
		}
		defs = append(defs, fmt.Sprintf("%q VARCHAR", p.Name))
	}
	stmt := fmt.Sprintf("CREATE SCHEMA IF NOT EXISTS %s; CREATE TABLE %s.%s (%s)", schema, schema, name, strings.Join(defs, ", "))
	if _, err := e.DB.Exec(stmt); err != nil {
		return nil, fmt.Errorf("creating %s.%s: %w", schema, name, err)
	}
	return t, nil
}

// LoadCloudTrail loads every log file under the table's projected location
// from s3Root (a folder laid out as <bucket>/<key>), with its partition
// values, and returns how many files it read. Files outside the template,
// such as digest files, are not read, as Athena would not read them.
func (e *Engine) LoadCloudTrail(schema string, t *table, s3Root string, params map[string]string) (int, error) {
	proj, err := newProjection(params)
	if err != nil {
		return 0, err
	}
	return e.load(schema, t, s3Root, proj.names, proj.partitions, readCloudTrailFile)
}

// LoadJSONLines loads every file under location (an s3:// prefix) from
// s3Root, one JSON object per line.
func (e *Engine) LoadJSONLines(schema string, t *table, s3Root, location string) (int, error) {
	under := func(uri string) (map[string]string, bool) { return nil, strings.HasPrefix(uri, location) }
	return e.load(schema, t, s3Root, nil, under, readJSONLines)
}

// load reads the files of s3Root that select accepts, in key order, with the
// partition values it gives, and inserts their records.
func (e *Engine) load(schema string, t *table, s3Root string, partitions []string,
	selectFile func(uri string) (map[string]string, bool), read func(path string) ([]map[string]any, error),
) (int, error) {
	files, err := s3Files(s3Root)
	if err != nil {
		return 0, err
	}
	var rows []map[string]any
	n := 0
	for _, uri := range sortedKeys(files) {
		parts, ok := selectFile(uri)
		if !ok {
			continue
		}
		records, err := read(files[uri])
		if err != nil {
			return 0, err
		}
		n++
		for _, rec := range records {
			row, err := t.row(rec, parts)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", uri, err)
			}
			rows = append(rows, row)
		}
	}
	return n, e.insert(schema, t, rows, partitions)
}

// insert writes rows as NDJSON and reads them into the table with explicit
// column types: DuckDB's own JSON detection would match keys
// case-sensitively and turn time strings into timestamps.
func (e *Engine) insert(schema string, t *table, rows []map[string]any, partitions []string) error {
	f, err := os.CreateTemp(e.scratch, t.name+"-*.ndjson")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			_ = f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	var cols, names []string
	for i, c := range t.columns {
		cols = append(cols, fmt.Sprintf("%q: '%s'", c.Name, strings.ReplaceAll(t.parsed[i].duckDB(), "'", "''")))
		names = append(names, fmt.Sprintf("%q", c.Name))
	}
	for _, p := range partitions {
		cols = append(cols, fmt.Sprintf("%q: 'VARCHAR'", p))
		names = append(names, fmt.Sprintf("%q", p))
	}
	//nolint:gosec // DDL of a test database, from the package's own column definitions
	stmt := fmt.Sprintf("INSERT INTO %s.%s (%s) SELECT %s FROM read_json('%s', format = 'newline_delimited', columns = {%s})",
		schema, t.name, strings.Join(names, ", "), strings.Join(names, ", "), filepath.ToSlash(f.Name()), strings.Join(cols, ", "))
	if _, err := e.DB.Exec(stmt); err != nil {
		return fmt.Errorf("loading %s.%s: %w", schema, t.name, err)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
