package athenasql

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/caa304/secure-data-pipeline/components/glueschema"
)

// conform shapes one decoded JSON value the way a Hive JSON SerDe reads it
// into a column of type t: keys match field names case-insensitively, keys
// the DDL lacks are dropped, and a string column that meets an object, an
// array, a number or a boolean receives its JSON text.
func conform(v any, t *hiveType) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t.kind {
	case "string", "varchar":
		if s, ok := v.(string); ok {
			return s, nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	case "bigint", "int", "double":
		switch n := v.(type) {
		case json.Number:
			return n, nil
		case string:
			return json.Number(n), nil
		}
		return nil, fmt.Errorf("%v is not a number", v)
	case "boolean":
		return v, nil
	case "array":
		items, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%v is not an array", v)
		}
		out := make([]any, len(items))
		for i, item := range items {
			c, err := conform(item, t.elem)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%v is not an object", v)
		}
		out := map[string]any{}
		for k, item := range obj {
			c, err := conform(item, t.elem)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case "struct":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%v is not an object", v)
		}
		out := map[string]any{}
		for _, f := range t.fields {
			for k, item := range obj {
				if strings.EqualFold(k, f.name) {
					c, err := conform(item, f.typ)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", f.name, err)
					}
					out[f.name] = c
				}
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("no SerDe rule for %s", t.kind)
}

// table is a Glue table as the harness sees it.
type table struct {
	name    string
	columns []glueschema.Column
	parsed  []*hiveType
}

func newTable(name string, cols []glueschema.Column) (*table, error) {
	t := &table{name: name, columns: cols}
	for _, c := range cols {
		p, err := parseHiveType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		t.parsed = append(t.parsed, p)
	}
	return t, nil
}

// row conforms one record to the table's columns, then adds partition values.
func (t *table) row(record map[string]any, partitions map[string]string) (map[string]any, error) {
	whole := &hiveType{kind: "struct"}
	for i, c := range t.columns {
		whole.fields = append(whole.fields, hiveField{c.Name, t.parsed[i]})
	}
	out, err := conform(record, whole)
	if err != nil {
		return nil, err
	}
	row := out.(map[string]any)
	for k, v := range partitions {
		row[k] = v
	}
	return row, nil
}

// decode reads JSON keeping numbers exact.
func decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// s3Files lists the files of a folder laid out as <bucket>/<key>, as s3://
// URIs mapped to their paths.
func s3Files(root string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		files["s3://"+filepath.ToSlash(rel)] = path
		return nil
	})
	return files, err
}

// projection matches file URIs against a table's storage.location.template
// and returns the partition values, as Athena's partition projection does.
type projection struct {
	re    *regexp.Regexp
	names []string
}

var placeholder = regexp.MustCompile(`\$\{([a-z_]+)\}`)

func newProjection(params map[string]string) (*projection, error) {
	template := params["storage.location.template"]
	if template == "" || params["projection.enabled"] != "true" {
		return nil, fmt.Errorf("table has no partition projection")
	}
	p := &projection{}
	var pattern strings.Builder
	pattern.WriteString("^")
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(template, -1) {
		pattern.WriteString(regexp.QuoteMeta(template[last:m[0]]))
		name := template[m[2]:m[3]]
		p.names = append(p.names, name)
		switch params["projection."+name+".type"] {
		case "enum":
			values := strings.Split(params["projection."+name+".values"], ",")
			for i := range values {
				values[i] = regexp.QuoteMeta(values[i])
			}
			pattern.WriteString("(" + strings.Join(values, "|") + ")")
		case "date":
			f := params["projection."+name+".format"]
			r := strings.NewReplacer("yyyy", `\d{4}`, "MM", `\d{2}`, "dd", `\d{2}`, "HH", `\d{2}`).Replace(regexp.QuoteMeta(f))
			pattern.WriteString("(" + r + ")")
		case "integer":
			pattern.WriteString(`(-?\d+)`)
		default:
			return nil, fmt.Errorf("projection of %s has no known type", name)
		}
		last = m[1]
	}
	pattern.WriteString(regexp.QuoteMeta(template[last:]) + "/")
	re, err := regexp.Compile(pattern.String())
	if err != nil {
		return nil, err
	}
	p.re = re
	return p, nil
}

// partitions returns the partition values of a file, or false if the file is
// not under the template (Athena would never read it).
func (p *projection) partitions(uri string) (map[string]string, bool) {
	m := p.re.FindStringSubmatch(uri)
	if m == nil {
		return nil, false
	}
	out := map[string]string{}
	for i, name := range p.names {
		out[name] = m[i+1]
	}
	return out, true
}

// readCloudTrailFile reads one log file, gzipped or not: {"Records":[...]}.
func readCloudTrailFile(path string) ([]map[string]any, error) {
	data, err := os.ReadFile(path) //nolint:gosec // a fixture file of the test
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	var doc struct {
		Records []map[string]any `json:"Records"`
	}
	if err := decode(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc.Records, nil
}

// readJSONLines reads a file of one JSON object per line, as the JSON SerDe
// of the receipts table does: a record spread over lines is a broken table.
func readJSONLines(path string) ([]map[string]any, error) {
	data, err := os.ReadFile(path) //nolint:gosec // a fixture file of the test
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		var rec map[string]any
		if err := decode([]byte(line), &rec); err != nil {
			return nil, fmt.Errorf("%s line %d is not one JSON object: %w", path, i+1, err)
		}
		out = append(out, rec)
	}
	return out, nil
}
