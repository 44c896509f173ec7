package tests

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeColumn returns one column of the README table whose header starts
// with firstColumn, with backticks removed.
func readmeColumn(t *testing.T, firstColumn string, column int) []string {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	in := false
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "|") {
			if in {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		first := strings.TrimSpace(cells[0])
		switch {
		case !in && first == firstColumn:
			in = true
		case in && !strings.HasPrefix(first, "---"):
			values = append(values, strings.TrimSpace(cells[column]))
		}
	}
	return values
}

func TestTheREADMEOutputsTableListsExactlyTheStackOutputs(t *testing.T) {
	var documented []string
	for _, v := range readmeColumn(t, "Output", 0) {
		documented = append(documented, strings.Trim(v, "`"))
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
	names := regexp.MustCompile("`(Test\\w+)`")
	rows := readmeColumn(t, "Control", 2)
	if len(rows) == 0 {
		t.Fatal("README has no security controls table")
	}
	for _, cell := range rows {
		found := names.FindAllStringSubmatch(cell, -1)
		if len(found) == 0 {
			t.Errorf("security control row names no test: %q", cell)
		}
		for _, m := range found {
			if !defined[m[1]] {
				t.Errorf("README names %s, which is not a test in tests/", m[1])
			}
		}
	}
}
