package athenasql

import (
	"fmt"
	"strings"
)

// hiveType is a parsed Hive column type.
type hiveType struct {
	kind   string // "string", "bigint", ..., "struct", "array", "map"
	fields []hiveField
	elem   *hiveType // array element, map value
	key    *hiveType // map key
}

type hiveField struct {
	name string
	typ  *hiveType
}

// parseHiveType parses a type such as
// "array<struct<arn:string,accountid:string>>".
func parseHiveType(s string) (*hiveType, error) {
	p := &typeParser{s: strings.ReplaceAll(s, " ", "")}
	t, err := p.parse()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("hive type %q: unexpected %q at %d", s, p.s[p.i:], p.i)
	}
	return t, nil
}

type typeParser struct {
	s string
	i int
}

func (p *typeParser) word() string {
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] == '_' || p.s[p.i] >= 'a' && p.s[p.i] <= 'z' || p.s[p.i] >= '0' && p.s[p.i] <= '9') {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *typeParser) expect(c byte) error {
	if p.i >= len(p.s) || p.s[p.i] != c {
		return fmt.Errorf("hive type %q: want %q at %d", p.s, c, p.i)
	}
	p.i++
	return nil
}

func (p *typeParser) parse() (*hiveType, error) {
	t := &hiveType{kind: p.word()}
	switch t.kind {
	case "string", "varchar", "bigint", "int", "boolean", "double", "timestamp", "date":
		return t, nil
	case "array":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		elem, err := p.parse()
		if err != nil {
			return nil, err
		}
		t.elem = elem
		return t, p.expect('>')
	case "map":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		k, err := p.parse()
		if err != nil {
			return nil, err
		}
		if err := p.expect(','); err != nil {
			return nil, err
		}
		v, err := p.parse()
		if err != nil {
			return nil, err
		}
		t.key, t.elem = k, v
		return t, p.expect('>')
	case "struct":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		for {
			name := p.word()
			if err := p.expect(':'); err != nil {
				return nil, err
			}
			ft, err := p.parse()
			if err != nil {
				return nil, err
			}
			t.fields = append(t.fields, hiveField{name, ft})
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			return t, p.expect('>')
		}
	}
	return nil, fmt.Errorf("hive type %q: unknown type %q", p.s, t.kind)
}

// duckDB renders the type for DuckDB, quoting struct field names.
func (t *hiveType) duckDB() string {
	switch t.kind {
	case "string", "varchar":
		return "VARCHAR"
	case "bigint":
		return "BIGINT"
	case "int":
		return "INTEGER"
	case "boolean":
		return "BOOLEAN"
	case "double":
		return "DOUBLE"
	case "timestamp":
		return "TIMESTAMP"
	case "date":
		return "DATE"
	case "array":
		return t.elem.duckDB() + "[]"
	case "map":
		return fmt.Sprintf("MAP(%s, %s)", t.key.duckDB(), t.elem.duckDB())
	}
	parts := make([]string, len(t.fields))
	for i, f := range t.fields {
		parts[i] = fmt.Sprintf("%q %s", f.name, f.typ.duckDB())
	}
	return "STRUCT(" + strings.Join(parts, ", ") + ")"
}
