package notification

import (
	"strings"
	"testing"
)

func TestDecodeKey(t *testing.T) {
	for _, c := range []struct {
		name, raw, want string
	}{
		{"leaves a plain key alone", "incoming/data.csv", "incoming/data.csv"},
		{"turns plus signs into spaces", "incoming/my+file.csv", "incoming/my file.csv"},
		{"decodes an encoded plus sign", "incoming/a%2Bb.csv", "incoming/a+b.csv"},
		{"decodes an encoded percent sign", "incoming/100%25.csv", "incoming/100%.csv"},
		{"decodes unicode", "incoming/%C3%BCber+%F0%9F%93%84.txt", "incoming/über 📄.txt"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeKey(c.raw)
			if err != nil || got != c.want {
				t.Fatalf("DecodeKey(%q) = %q, %v; want %q", c.raw, got, err, c.want)
			}
		})
	}
	if _, err := DecodeKey("incoming/bad%zz"); err == nil || !strings.Contains(err.Error(), "not URL-encoded") {
		t.Errorf("DecodeKey of a broken escape = %v, want an error", err)
	}
}

const s3Record = `{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1","eventTime":"2026-11-28T10:00:00.123Z","eventName":"ObjectCreated:Put",
"userIdentity":{"principalId":"AWS:AROAEXAMPLE:alice@example.com"},"requestParameters":{"sourceIPAddress":"203.0.113.7"},
"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
"s3":{"s3SchemaVersion":"1.0","configurationId":"provenance","bucket":{"name":"sdp-prod-raw-data","arn":"arn:aws:s3:::sdp-prod-raw-data"},
"object":{"key":"incoming/my+file.csv","size":1024,"eTag":"d41d8cd98f00b204e9800998ecf8427e","versionId":"3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY","sequencer":"0055AED6DCD90281E5"}}}`

func TestParse(t *testing.T) {
	sqs := func(bodies ...string) string {
		var recs []string
		for i, b := range bodies {
			recs = append(recs, `{"messageId":"m`+string(rune('0'+i))+`","eventSource":"aws:sqs","body":`+quote(b)+`}`)
		}
		return `{"Records":[` + strings.Join(recs, ",") + `]}`
	}
	for _, c := range []struct {
		name        string
		payload     string
		wantSQS     bool
		wantObjects []int // objects per message
		wantTest    []bool
		wantErr     []bool // per message
	}{
		{"reads an SQS batch of notifications", sqs(`{"Records":[`+s3Record+`]}`, `{"Records":[`+s3Record+`,`+s3Record+`]}`), true, []int{1, 2}, []bool{false, false}, []bool{false, false}},
		{"marks an S3 test event in SQS", sqs(`{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-28T10:00:00.000Z","Bucket":"b","RequestId":"r","HostId":"h"}`), true, []int{0}, []bool{true}, []bool{false}},
		{"fails only the malformed message", sqs(`not json`, `{"Records":[`+s3Record+`]}`, `{"foo":1}`), true, []int{0, 1, 0}, []bool{false, false, false}, []bool{true, false, true}},
		{"reads a direct S3 event", `{"Records":[` + s3Record + `]}`, false, []int{1}, []bool{false}, []bool{false}},
		{"ignores other event types", `{"Records":[` + strings.Replace(s3Record, "ObjectCreated:Put", "ObjectRemoved:Delete", 1) + `]}`, false, []int{0}, []bool{false}, []bool{false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := Parse([]byte(c.payload))
			if err != nil {
				t.Fatal(err)
			}
			if b.FromSQS != c.wantSQS || len(b.Messages) != len(c.wantObjects) {
				t.Fatalf("FromSQS %v with %d messages, want %v with %d", b.FromSQS, len(b.Messages), c.wantSQS, len(c.wantObjects))
			}
			for i, m := range b.Messages {
				if len(m.Objects) != c.wantObjects[i] || m.TestEvent != c.wantTest[i] || (m.Err != nil) != c.wantErr[i] {
					t.Errorf("message %d: %d objects, test %v, err %v; want %d, %v, err %v", i, len(m.Objects), m.TestEvent, m.Err, c.wantObjects[i], c.wantTest[i], c.wantErr[i])
				}
			}
		})
	}
}

func TestParseFillsEveryFieldOfAnObject(t *testing.T) {
	b, err := Parse([]byte(`{"Records":[` + s3Record + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	o := b.Messages[0].Objects[0]
	want := Object{
		Bucket: "sdp-prod-raw-data", Key: "incoming/my file.csv", VersionID: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
		Size: 1024, ETag: "d41d8cd98f00b204e9800998ecf8427e", Sequencer: "0055AED6DCD90281E5",
		EventName: "ObjectCreated:Put", EventTime: o.EventTime, RequestID: "C3D13FE58DE4C810",
		PrincipalID: "AWS:AROAEXAMPLE:alice@example.com", SourceIPAddress: "203.0.113.7",
	}
	if o != want {
		t.Errorf("object =\n%+v\nwant\n%+v", o, want)
	}
	if o.EventTime.UTC().Format("2006-01-02T15:04:05.000Z") != "2026-11-28T10:00:00.123Z" {
		t.Errorf("event time = %v", o.EventTime)
	}
}

func TestParseRefusesPayloadsThatAreNoEvent(t *testing.T) {
	for _, payload := range []string{``, `[]`, `{}`, `{"Records":[]}`, `{"Records":[{"eventSource":"aws:sns"}]}`} {
		if _, err := Parse([]byte(payload)); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", payload)
		}
	}
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
