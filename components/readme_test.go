package components

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// readmeTable returns the rows of the README table whose header starts with
// firstColumn, as cells with surrounding backticks removed.
func readmeTable(t *testing.T, firstColumn string) [][]string {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	in := false
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "|") {
			if in {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		switch {
		case !in && cells[0] == firstColumn:
			in = true
		case in && !strings.HasPrefix(cells[0], "---"):
			rows = append(rows, cells)
		}
	}
	if len(rows) == 0 {
		t.Fatalf("README has no table headed %q", firstColumn)
	}
	return rows
}

func TestTheREADMEConfigTableMatchesPulumiYAML(t *testing.T) {
	declared := readProjectConfig(t)
	var documented []string
	for _, row := range readmeTable(t, "Key") {
		key, typ, def := row[0], row[1], row[2]
		documented = append(documented, key)
		schema, ok := declared[key]
		if !ok {
			t.Errorf("README documents %q, which Pulumi.yaml does not declare", key)
			continue
		}
		if typ != schema.Type {
			t.Errorf("README says %s is %s, Pulumi.yaml says %s", key, typ, schema.Type)
		}
		want := fmt.Sprint(schema.Default)
		if schema.Type == "string" && want == "" {
			want = `""`
		}
		if def != want {
			t.Errorf("README says %s defaults to %s, Pulumi.yaml says %s", key, def, want)
		}
	}
	for key := range declared {
		if !slices.Contains(documented, key) {
			t.Errorf("Pulumi.yaml declares %q, which the README's config table does not document", key)
		}
	}
}
