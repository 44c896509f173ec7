package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
)

const testBucket = "sdp-test-raw-data"

// fault answers a request instead of the S3 server when it returns true.
type fault func(w http.ResponseWriter, r *http.Request) bool

// world is an S3 server in the test process, a client configured the way the
// function configures its own, and a handler writing logs to a buffer.
type world struct {
	t       *testing.T
	bucket  string
	client  *s3.Client
	handler *handler
	logs    *bytes.Buffer

	mu     sync.Mutex
	faults []fault
}

// newWorld starts gofakes3 in the test process and returns a world on it.
func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{}
	faker := gofakes3.New(s3mem.New())
	inner := faker.Server()
	// gofakes3 speaks plain HTTP only: over TLS it would store the SDK's
	// aws-chunked framing as object data.
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		faults := w.faults
		w.mu.Unlock()
		for _, f := range faults {
			if f(rw, r) {
				return
			}
		}
		inner.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	return w.connect(t, srv.URL, "test", "testtest", testBucket)
}

// connect points the world at an S3 endpoint with a client built the way the
// function builds its own, and creates a versioned bucket there.
func (w *world) connect(t *testing.T, endpoint, accessKey, secretKey, bucket string) *world {
	t.Helper()
	w.t, w.logs, w.bucket = t, &bytes.Buffer{}, bucket
	t.Setenv("AWS_ENDPOINT_URL_S3", endpoint)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", accessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	client, err := newS3Client(context.Background(), func(k string) string {
		if k == "S3_FORCE_PATH_STYLE" {
			return "true"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	w.client = client
	w.handler = &handler{
		recorder: &recorder.Recorder{
			S3:       client,
			Function: recorder.Function{Name: "sdp-test-provenance", Version: "$LATEST", BinarySHA256: strings.Repeat("ab", 32)},
			Now:      func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
		},
		log: slog.New(slog.NewJSONHandler(w.logs, nil)),
	}
	ctx := context.Background()
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// inject adds a fault in front of the server.
func (w *world) inject(f fault) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.faults = append(w.faults, f)
}

// upload is what an uploader did, as the S3 event will describe it.
type upload struct {
	bucket    string
	key       string
	versionID string
	size      int64
	etag      string
	sha256    string
	crc32     string // base64, as the SDK sends it on every upload
}

func (w *world) put(key string, body []byte) upload {
	w.t.Helper()
	out, err := w.client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(w.bucket), Key: aws.String(key), Body: bytes.NewReader(body),
	})
	if err != nil {
		w.t.Fatalf("put %s: %v", key, err)
	}
	return w.uploaded(key, body, out)
}

// uploaded describes an upload from its body and S3's answer.
func (w *world) uploaded(key string, body []byte, out *s3.PutObjectOutput) upload {
	sum := sha256.Sum256(body)
	crc := binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(body))
	return upload{bucket: w.bucket, key: key, versionID: aws.ToString(out.VersionId), size: int64(len(body)),
		etag: strings.Trim(aws.ToString(out.ETag), `"`), sha256: hex.EncodeToString(sum[:]),
		crc32: base64.StdEncoding.EncodeToString(crc)}
}

// s3Record renders the S3 event notification record S3 would send for u.
func s3Record(u upload) map[string]any {
	return map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
		"eventTime": "2026-11-28T11:59:58.123Z", "eventName": "ObjectCreated:Put",
		"userIdentity":      map[string]any{"principalId": "AWS:AROAEXAMPLE:alice@example.com"},
		"requestParameters": map[string]any{"sourceIPAddress": "203.0.113.7"},
		"responseElements":  map[string]any{"x-amz-request-id": "REQ" + u.versionID, "x-amz-id-2": "id2"},
		"s3": map[string]any{
			"s3SchemaVersion": "1.0", "configurationId": "provenance",
			"bucket": map[string]any{"name": u.bucket, "arn": "arn:aws:s3:::" + u.bucket},
			"object": map[string]any{"key": url.QueryEscape(u.key), "size": u.size, "eTag": u.etag, "versionId": u.versionID, "sequencer": "0055AED6DCD90281E5"},
		},
	}
}

// sqsMessage is one SQS message whose body is an S3 notification of uploads.
type sqsMessage struct {
	id   string
	body string
}

func notificationOf(uploads ...upload) string {
	var recs []map[string]any
	for _, u := range uploads {
		recs = append(recs, s3Record(u))
	}
	b, _ := json.Marshal(map[string]any{"Records": recs})
	return string(b)
}

func sqsEvent(msgs ...sqsMessage) json.RawMessage {
	var recs []map[string]any
	for _, m := range msgs {
		recs = append(recs, map[string]any{
			"messageId": m.id, "receiptHandle": "rh-" + m.id, "body": m.body,
			"eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:111122223333:sdp-test-events", "awsRegion": "us-east-1",
		})
	}
	b, _ := json.Marshal(map[string]any{"Records": recs})
	return b
}

// invoke runs the handler on an SQS event and returns the failed message ids.
func (w *world) invoke(msgs ...sqsMessage) []string {
	w.t.Helper()
	resp, err := w.handler.Handle(context.Background(), sqsEvent(msgs...))
	if err != nil {
		w.t.Fatalf("an SQS batch must never fail as a whole: %v", err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	return failed
}

// receiptOf reads the receipt of an upload; ok is false if there is none.
func (w *world) receiptOf(u upload) (*receipt.Receipt, bool) {
	w.t.Helper()
	out, err := w.client.GetObject(context.Background(), &s3.GetObjectInput{
		Bucket: aws.String(w.bucket), Key: aws.String(receipt.KeyFor(u.key, u.versionID)),
	})
	if err != nil {
		return nil, false
	}
	defer func() { _ = out.Body.Close() }()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	if bytes.Count(data, []byte("\n")) != 1 || data[len(data)-1] != '\n' {
		w.t.Errorf("receipt %q is not exactly one line", data)
	}
	r, err := receipt.Parse(data)
	if err != nil {
		w.t.Fatalf("receipt of %s: %v", u.key, err)
	}
	return r, true
}

// receiptKeys lists every object under provenance/.
func (w *world) receiptKeys() []string {
	w.t.Helper()
	out, err := w.client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
		Bucket: aws.String(w.bucket), Prefix: aws.String(receipt.Prefix),
	})
	if err != nil {
		w.t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

// logLines returns the handler's log lines as JSON objects.
func (w *world) logLines() []map[string]any {
	w.t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(w.logs.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			w.t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// s3Error writes an S3 error document.
func s3Error(rw http.ResponseWriter, status int, code string) {
	rw.Header().Set("Content-Type", "application/xml")
	rw.WriteHeader(status)
	fmt.Fprintf(rw, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>injected</Message><RequestId>r</RequestId></Error>`, code)
}

// failingGets fails the first n GETs of a key with status and code, then
// lets requests through.
func failingGets(key string, n int, status int, code string) fault {
	var mu sync.Mutex
	left := n
	return func(rw http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/"+key) {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		if left == 0 {
			return false
		}
		left--
		s3Error(rw, status, code)
		return true
	}
}
