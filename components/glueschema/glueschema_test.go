package glueschema

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/verification"
)

func TestEveryReceiptFieldIsAColumnAndEveryColumnAField(t *testing.T) {
	// A receipt with every field set, as the function writes it.
	r := receipt.Receipt{
		SchemaVersion: 1, Status: "recorded", Bucket: "b", Key: "k", VersionID: "v", Size: 1, SHA256: "s", ETag: "e",
		S3LastModified: "t", ContentType: "c", SSEAlgorithm: "a", SSEKMSKeyID: "k", ChecksumType: "t", ChecksumSHA256: "s",
		ChecksumCRC32: "c", ChecksumCRC32C: "c", ChecksumCRC64NVME: "c", ChecksumSHA1: "s", ChecksumComparison: "match",
		EventName: "e", EventTime: "t", Sequencer: "s", RequestID: "r", PrincipalID: "p", SourceIPAddress: "i",
		RecordedAt: "t", FunctionName: "f", FunctionVersion: "v", FunctionBinarySHA256: "s",
	}
	data, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var written map[string]any
	if err := json.Unmarshal(data, &written); err != nil {
		t.Fatal(err)
	}
	var keys, cols []string
	for k := range written {
		keys = append(keys, strings.ToLower(k))
	}
	for _, c := range Receipts() {
		cols = append(cols, c.Name)
		want := "string"
		if _, isNumber := written[jsonName(t, c.Name, written)].(float64); isNumber {
			want = "bigint"
		}
		if c.Type != want {
			t.Errorf("column %s is %s, the receipt writes a %s", c.Name, c.Type, want)
		}
	}
	slices.Sort(keys)
	slices.Sort(cols)
	if !slices.Equal(keys, cols) {
		t.Errorf("receipt fields %v,\ncolumns %v", keys, cols)
	}
}

func jsonName(t *testing.T, column string, written map[string]any) string {
	t.Helper()
	for k := range written {
		if strings.ToLower(k) == column {
			return k
		}
	}
	t.Fatalf("column %s is no receipt field", column)
	return ""
}

func TestColumnNamesAreLowerCaseAndUniquePerTable(t *testing.T) {
	for name, cols := range map[string][]Column{"cloudtrail": slices.Concat(CloudTrail, CloudTrailPartitions), "receipts": Receipts()} {
		seen := map[string]bool{}
		for _, c := range cols {
			if c.Name != strings.ToLower(c.Name) || c.Type == "" {
				t.Errorf("%s column %+v: Glue wants lower-case names and a type", name, c)
			}
			if seen[c.Name] {
				t.Errorf("%s column %s appears twice", name, c.Name)
			}
			seen[c.Name] = true
		}
	}
}

func TestEveryReportFieldIsAColumn(t *testing.T) {
	line := verification.ReportLine{Result: verification.Result{Status: "OK", Key: "k", VersionID: "v", ReceiptKey: "r",
		Expected: "e", Actual: "a", Detail: "d"}, CheckedAt: "t"}
	data, err := json.Marshal(line)
	if err != nil {
		t.Fatal(err)
	}
	var written map[string]any
	if err := json.Unmarshal(data, &written); err != nil {
		t.Fatal(err)
	}
	var keys, cols []string
	for k := range written {
		keys = append(keys, strings.ToLower(k))
	}
	for _, c := range Reports() {
		cols = append(cols, c.Name)
	}
	slices.Sort(keys)
	slices.Sort(cols)
	if !slices.Equal(keys, cols) {
		t.Errorf("report fields %v,\ncolumns %v", keys, cols)
	}
}
