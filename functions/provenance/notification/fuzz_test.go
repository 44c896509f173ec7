package notification

import (
	"net/url"
	"testing"
)

// FuzzParse feeds arbitrary payloads to Parse: it must never panic, and every
// message it returns must either carry objects with a bucket and key or say
// why it could not.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Records":[` + s3Record + `]}`))
	f.Add([]byte(`{"Records":[{"messageId":"m1","eventSource":"aws:sqs","body":"{\"Records\":[]}"}]}`))
	f.Add([]byte(`{"Event":"s3:TestEvent"}`))
	f.Add([]byte(`{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"object":{"key":"%"}}}]}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		b, err := Parse(payload)
		if err != nil {
			return
		}
		for _, m := range b.Messages {
			if m.Err != nil && len(m.Objects) > 0 {
				t.Fatalf("message has both an error and objects: %+v", m)
			}
			for _, o := range m.Objects {
				if o.Bucket == "" || o.Key == "" {
					t.Fatalf("object without bucket or key: %+v", o)
				}
			}
		}
	})
}

// FuzzDecodeKey checks that decoding never panics and inverts S3's encoding.
func FuzzDecodeKey(f *testing.F) {
	for _, s := range []string{"incoming/a b.csv", "incoming/a+b", "100%", "über/📄", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if _, err := DecodeKey(key); err != nil {
			return
		}
		got, err := DecodeKey(url.QueryEscape(key))
		if err != nil || got != key {
			t.Fatalf("DecodeKey(QueryEscape(%q)) = %q, %v", key, got, err)
		}
	})
}
