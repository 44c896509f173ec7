package receipt

import (
	"strings"
	"testing"
)

func TestKeyFor(t *testing.T) {
	long := "incoming/" + strings.Repeat("x", 1000)
	for _, c := range []struct {
		name, key, version, want string
	}{
		{"puts the receipt beside a mirror of the object key", "incoming/a/b.csv", "v1", "provenance/incoming/a/b.csv/v1.json"},
		{"names an unversioned object's version null, as S3 does", "incoming/a.csv", "", "provenance/incoming/a.csv/null.json"},
		{"keeps spaces and unicode as they are", "incoming/über file.csv", "v2", "provenance/incoming/über file.csv/v2.json"},
		{"hashes a key too long to mirror", long, "v3", "provenance/hashed-keys/"},
		{"hashes a key with a folder Athena would hide", "incoming/_tmp/a.csv", "v4", "provenance/hashed-keys/"},
		{"hashes a key with a dot file", "incoming/.env", "v5", "provenance/hashed-keys/"},
		{"hashes a version id Athena would hide", "incoming/a.csv", "_v6", "provenance/hashed-keys/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := KeyFor(c.key, c.version)
			if !strings.HasPrefix(got, c.want) || len(got) > 1024 {
				t.Errorf("KeyFor(%q, %q) = %q, want %q (at most 1024 bytes)", c.key, c.version, got, c.want)
			}
		})
	}
	if KeyFor(long, "v3") == KeyFor(long+"y", "v3") {
		t.Error("two long keys share a receipt key")
	}
	for _, k := range []string{KeyFor(long, "v3"), KeyFor("incoming/_tmp/a.csv", "_v6")} {
		if hidden(strings.TrimPrefix(k, Prefix)) {
			t.Errorf("receipt key %q has a segment Athena would skip", k)
		}
	}
}

func TestMarshalThenParseRoundTripsOnOneLine(t *testing.T) {
	r := Receipt{SchemaVersion: SchemaVersion, Status: StatusRecorded, Bucket: "b", Key: "incoming/k\nwith newline",
		VersionID: "v", Size: 3, SHA256: strings.Repeat("a", 64), EventName: "ObjectCreated:Put"}
	data, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(data), "\n") != 1 || !strings.HasSuffix(string(data), "\n") {
		t.Fatalf("receipt %q is not one line", data)
	}
	got, err := Parse(data)
	if err != nil || *got != r {
		t.Fatalf("Parse(Marshal(r)) = %+v, %v; want %+v", got, err, r)
	}
}

func TestParseRefusesReceiptsThatAreNotReceipts(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"not JSON", "{", "not valid JSON"},
		{"no schema version", `{"bucket":"b","key":"k","status":"recorded"}`, "no schemaVersion"},
		{"no key", `{"schemaVersion":1,"bucket":"b","status":"missing"}`, "no bucket or key"},
		{"recorded without a hash", `{"schemaVersion":1,"bucket":"b","key":"k","status":"recorded","sha256":"abc"}`, "not a hex SHA-256"},
		{"an unknown status", `{"schemaVersion":1,"bucket":"b","key":"k","status":"maybe"}`, "unknown status"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Parse([]byte(c.data)); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse = %v, want an error saying %q", err, c.want)
			}
		})
	}
}
