package tests

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/caa304/secure-data-pipeline/components/outputs"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
)

// readmeTable returns the rows of the README table whose header starts with
// firstColumn, each cell trimmed of spaces and surrounding backticks.
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
	raw, err := os.ReadFile("../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var project struct {
		Config map[string]struct {
			Type    string `yaml:"type"`
			Default any    `yaml:"default"`
		} `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &project); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, row := range readmeTable(t, "Key") {
		key, typ, def := row[0], row[1], row[2]
		documented = append(documented, key)
		schema, ok := project.Config[key]
		if !ok {
			t.Errorf("README documents %q, which Pulumi.yaml does not declare", key)
			continue
		}
		if typ != schema.Type {
			t.Errorf("README says %s is %s, Pulumi.yaml says %s", key, typ, schema.Type)
		}
		want := fmt.Sprint(schema.Default)
		if want == "" {
			want = `""`
		}
		if def != want {
			t.Errorf("README says %s defaults to %s, Pulumi.yaml says %s", key, def, want)
		}
	}
	slices.Sort(documented)
	if declared := slices.Sorted(maps.Keys(project.Config)); !slices.Equal(documented, declared) {
		t.Errorf("README documents %v,\nPulumi.yaml declares %v", documented, declared)
	}
}

func TestTheREADMEOutputsTableListsExactlyTheStackOutputs(t *testing.T) {
	var documented []string
	for _, row := range readmeTable(t, "Output") {
		documented = append(documented, row[0])
	}
	slices.Sort(documented)
	exported := slices.Sorted(maps.Keys(runProgram(t, runOptions{}).exports))
	if !slices.Equal(documented, exported) {
		t.Errorf("README outputs = %v,\nprogram exports %v", documented, exported)
	}
}

func TestEveryTestTheREADMENamesExists(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	funcs := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	for _, f := range files {
		src, err := os.ReadFile(f) //nolint:gosec // f is one of this package's own test files
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range funcs.FindAllStringSubmatch(string(src), -1) {
			defined[m[1]] = true
		}
	}
	names := regexp.MustCompile("`?(Test\\w+)`?")
	for _, row := range readmeTable(t, "Control") {
		found := names.FindAllStringSubmatch(row[2], -1)
		if len(found) == 0 {
			t.Errorf("security control %q names no test", row[0])
		}
		for _, m := range found {
			if !defined[m[1]] {
				t.Errorf("README names %s, which is not a test in tests/", m[1])
			}
		}
	}
}

func TestTheREADMEReceiptSchemaListsExactlyTheReceiptFields(t *testing.T) {
	var documented []string
	for _, row := range readmeTable(t, "Field") {
		documented = append(documented, row[0])
	}
	var fields []string
	rt := reflect.TypeFor[receipt.Receipt]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		fields = append(fields, name)
	}
	if !slices.Equal(documented, fields) {
		t.Errorf("README receipt fields = %v,\nreceipt.Receipt has %v (in this order)", documented, fields)
	}
}

func TestTheREADMEListsEveryPolicyRule(t *testing.T) {
	pack := loadPolicyPack(t)
	var documented []string
	for _, row := range readmeTable(t, "Rule") {
		documented = append(documented, row[0])
	}
	rules := append(slices.Clone(pack.resourceRules), pack.stackRules...)
	slices.Sort(rules)
	slices.Sort(documented)
	if !slices.Equal(documented, rules) {
		t.Errorf("README lists %v,\nthe pack has %v", documented, rules)
	}
}

func TestTheREADMEOutputsTableIsTheOutputsContract(t *testing.T) {
	var documented []string
	for _, row := range readmeTable(t, "Output") {
		documented = append(documented, row[0])
	}
	contract := outputs.Names()
	slices.Sort(documented)
	slices.Sort(contract)
	if !slices.Equal(documented, contract) {
		t.Errorf("README outputs %v,\ncontract %v", documented, contract)
	}
}
