package glueschema

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/verification"
)

func TestEveryWrittenFieldIsAColumnOfItsTypeAndEveryColumnAField(t *testing.T) {
	for _, c := range []struct {
		name    string
		written any // a value with every field set, as it is written
		columns []Column
	}{
		{"receipts", receipt.Receipt{
			SchemaVersion: 1, Status: "recorded", Bucket: "b", Key: "k", VersionID: "v", Size: 1, SHA256: "s", ETag: "e",
			S3LastModified: "t", ContentType: "c", SSEAlgorithm: "a", SSEKMSKeyID: "k", ChecksumType: "t", ChecksumSHA256: "s",
			ChecksumCRC32: "c", ChecksumCRC32C: "c", ChecksumCRC64NVME: "c", ChecksumSHA1: "s", ChecksumComparison: "match",
			EventName: "e", EventTime: "t", Sequencer: "s", RequestID: "r", PrincipalID: "p", SourceIPAddress: "i",
			RecordedAt: "t", FunctionName: "f", FunctionVersion: "v", FunctionBinarySHA256: "s",
		}, Receipts()},
		{"reports", verification.ReportLine{Result: verification.Result{Status: "OK", Key: "k", VersionID: "v", ReceiptKey: "r",
			Expected: "e", Actual: "a", Detail: "d"}, CheckedAt: "t"}, Reports()},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := json.Marshal(c.written)
			if err != nil {
				t.Fatal(err)
			}
			var written map[string]any
			if err := json.Unmarshal(data, &written); err != nil {
				t.Fatal(err)
			}
			types := map[string]string{}
			for k, v := range written {
				types[strings.ToLower(k)] = "string"
				if _, isNumber := v.(float64); isNumber {
					types[strings.ToLower(k)] = "bigint"
				}
			}
			columns := map[string]string{}
			for _, col := range c.columns {
				columns[col.Name] = col.Type
			}
			if !maps.Equal(types, columns) {
				t.Errorf("written fields and types %v,\ncolumns %v", types, columns)
			}
		})
	}
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
