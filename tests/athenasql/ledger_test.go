//go:build cgo

package athenasql

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/caa304/secure-data-pipeline/components/glueschema"
	"github.com/caa304/secure-data-pipeline/functions/provenance/notification"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
	"github.com/caa304/secure-data-pipeline/queries"
)

const (
	account   = "111122223333"
	rawBucket = "sdp-prod-raw-data"
	logBucket = "sdp-prod-cloudtrail-log"
	database  = "sdp_prod_audit"
)

var names = queries.Names{
	Database: database, CloudTrailTable: "cloudtrail_logs", ReceiptsTable: "provenance_receipts",
	RawBucket: rawBucket, IncomingPrefix: "incoming/",
}

// world is an S3 tree on disk (<bucket>/<key>) holding CloudTrail log files
// under the real key layout and the receipts the function's own code wrote,
// loaded into an engine with the shipped views created.
type world struct {
	root   string
	engine *Engine
	// files is how many CloudTrail files the loader read.
	files int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{root: t.TempDir()}
	w.writeCloudTrail(t)
	w.writeReceipts(t)

	e, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	w.engine = e
	ct, err := e.CreateTable(database, names.CloudTrailTable, glueschema.CloudTrail, glueschema.CloudTrailPartitions)
	if err != nil {
		t.Fatal(err)
	}
	params := glueschema.CloudTrailParameters(logBucket, account, []string{"eu-west-1", "us-east-1"}, "2026/01/01")
	if w.files, err = e.LoadCloudTrail(database, ct, w.root, params); err != nil {
		t.Fatal(err)
	}
	rt, err := e.CreateTable(database, names.ReceiptsTable, glueschema.Receipts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.LoadJSONLines(database, rt, w.root, glueschema.ReceiptsLocation(rawBucket, receipt.Prefix)); err != nil {
		t.Fatal(err)
	}
	qs, err := queries.Render(names)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"create_cloudtrail_s3_events_flattened", "create_provenance_ledger"} {
		i := slices.IndexFunc(qs, func(q queries.Query) bool { return q.Name == name })
		if _, err := e.DB.Exec(qs[i].SQL); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return w
}

// put writes a file into the S3 tree.
func (w *world) put(t *testing.T, bucket, key string, data []byte) {
	t.Helper()
	path := filepath.Join(w.root, bucket, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeCloudTrail gzips the fixture files under the keys CloudTrail uses,
// and a digest file beside them that no table may read.
func (w *world) writeCloudTrail(t *testing.T) {
	t.Helper()
	for fixture, key := range map[string]string{
		"eu-west-1_2026-11-27.json": "CloudTrail/eu-west-1/2026/11/27/" + account + "_CloudTrail_eu-west-1_20261127T1005Z_a1b2c3d4e5f6a7b8.json.gz",
		"eu-west-1_2026-11-28.json": "CloudTrail/eu-west-1/2026/11/28/" + account + "_CloudTrail_eu-west-1_20261128T0940Z_b2c3d4e5f6a7b8c9.json.gz",
		"us-east-1_2026-11-28.json": "CloudTrail/us-east-1/2026/11/28/" + account + "_CloudTrail_us-east-1_20261128T0805Z_c3d4e5f6a7b8c9d0.json.gz",
		"digest_eu-west-1_2026-11-28.json": "CloudTrail-Digest/eu-west-1/2026/11/28/" + account +
			"_CloudTrail-Digest_eu-west-1_sdp-prod-trail_eu-west-1_20261128T090000Z.json.gz",
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "cloudtrail", fixture)) //nolint:gosec // the package's own fixtures
		if err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		if _, err := zw.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		w.put(t, logBucket, "AWSLogs/"+account+"/"+key, gz.Bytes())
	}
}

// treeS3 is the S3 tree as the recorder sees it: objects to read, and the
// receipts it writes land in the tree.
type treeS3 struct {
	t         *testing.T
	w         *world
	objects   map[string][]byte
	checksums map[string][]byte // SHA-256 S3 claims, where it differs from the bytes
}

func (s *treeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	data, ok := s.objects[aws.ToString(in.Key)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchVersion"}
	}
	sum := sha256.Sum256(data)
	if c, ok := s.checksums[aws.ToString(in.Key)]; ok {
		sum = [32]byte(c)
	}
	return &s3.GetObjectOutput{
		Body: io.NopCloser(bytes.NewReader(data)), ContentLength: aws.Int64(int64(len(data))), VersionId: in.VersionId,
		ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(sum[:])), ChecksumType: "FULL_OBJECT",
		ServerSideEncryption: "aws:kms", LastModified: aws.Time(time.Date(2026, 11, 27, 10, 1, 2, 0, time.UTC)),
	}, nil
}

func (s *treeS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	data, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	s.w.put(s.t, aws.ToString(in.Bucket), aws.ToString(in.Key), data)
	return &s3.PutObjectOutput{}, nil
}

var fixtureObjects = map[string][]byte{
	"incoming/report.csv":    []byte("id,name\n1,alice\n"),
	"incoming/big.bin":       bytes.Repeat([]byte("multipart "), 1000),
	"incoming/corrupt.bin":   []byte("bytes that changed after upload"),
	"incoming/old.csv":       []byte("uploaded before the trail existed"),
	"incoming/my report.csv": []byte("a key with a space"),
}

// writeReceipts runs the function's recorder on the events S3 would have
// sent for the fixture's uploads.
func (w *world) writeReceipts(t *testing.T) {
	t.Helper()
	fake := &treeS3{t: t, w: w, objects: fixtureObjects, checksums: map[string][]byte{"incoming/corrupt.bin": make([]byte, 32)}}
	r := &recorder.Recorder{S3: fake, Function: recorder.Function{Name: "sdp-prod-provenance", Version: "$LATEST"},
		Now: func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for _, o := range []notification.Object{
		{Key: "incoming/report.csv", VersionID: "v1-report", RequestID: "REQ0000000000001", EventTime: at("2026-11-27T10:01:02Z")},
		{Key: "incoming/big.bin", VersionID: "v2-big", RequestID: "REQ0000000000004", EventTime: at("2026-11-27T10:30:00Z")},
		{Key: "incoming/gone.csv", VersionID: "v4-gone", RequestID: "REQ0000000000008", EventTime: at("2026-11-28T09:10:00Z")},
		{Key: "incoming/corrupt.bin", VersionID: "v5-corrupt", RequestID: "REQ0000000000010", EventTime: at("2026-11-28T09:20:00Z")},
		{Key: "incoming/old.csv", VersionID: "v6-old", RequestID: "REQ0000000000099", EventTime: at("2026-01-15T08:00:00Z")},
		// A manual run: the event carries no request id, so the ledger
		// matches it on bucket, key and version.
		{Key: "incoming/my report.csv", VersionID: "v7-space", EventTime: at("2026-11-28T09:30:00Z")},
	} {
		o.Bucket, o.EventName = rawBucket, "ObjectCreated:Put"
		o.Size = int64(len(fixtureObjects[o.Key]))
		if _, err := r.Record(context.Background(), o); err != nil && !errors.Is(err, recorder.ErrIntegrity) {
			t.Fatalf("recording %s: %v", o.Key, err)
		}
	}
}

func sha(key string) string {
	sum := sha256.Sum256(fixtureObjects[key])
	return hex.EncodeToString(sum[:])
}

func TestTheLedgerShowsEveryStatusForTheRightRows(t *testing.T) {
	w := newWorld(t)
	rows, err := w.engine.DB.Query(`SELECT status, object_key, version_id, coalesce(sha256, ''), coalesce(sso_user, ''),
		event_name, coalesce(request_id, ''), coalesce(checksum_comparison, '')
		FROM ` + database + `.provenance_ledger ORDER BY object_key, version_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var got []string
	for rows.Next() {
		var f [8]string
		if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join(f[:], " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"MATCHED | incoming/big.bin | v2-big | " + sha("incoming/big.bin") + " | bob@example.com | CompleteMultipartUpload | REQ0000000000004 | match",
		"NO_RECEIPT | incoming/copy.csv | v3-copy |  | alice@example.com | CopyObject | REQ0000000000006 | ",
		"CHECKSUM_MISMATCH | incoming/corrupt.bin | v5-corrupt | " + sha("incoming/corrupt.bin") + " | bob@example.com | PutObject | REQ0000000000010 | mismatch",
		"MISSING_OBJECT | incoming/gone.csv | v4-gone |  | alice@example.com | PutObject | REQ0000000000008 | ",
		"MATCHED | incoming/my report.csv | v7-space | " + sha("incoming/my report.csv") + " | alice@example.com | PutObject | REQ0000000000011 | match",
		"NO_CLOUDTRAIL_EVENT | incoming/old.csv | v6-old | " + sha("incoming/old.csv") + " |  | ObjectCreated:Put | REQ0000000000099 | match",
		"MATCHED | incoming/report.csv | v1-report | " + sha("incoming/report.csv") + " | alice@example.com | PutObject | REQ0000000000001 | match",
	}
	if !slices.Equal(got, want) {
		t.Errorf("ledger rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTheFlattenedViewReadsEveryS3CallAndNoDigest(t *testing.T) {
	w := newWorld(t)
	if w.files != 3 {
		t.Errorf("loader read %d CloudTrail files, want 3: the digest file is outside the projected location", w.files)
	}
	var calls int
	if err := w.engine.DB.QueryRow(`SELECT count(*) FROM ` + database + `.cloudtrail_s3_events_flattened`).Scan(&calls); err != nil {
		t.Fatal(err)
	}
	if calls != 12 {
		t.Errorf("flattened view has %d rows, want the 12 S3 calls (the Lambda Invoke is not one)", calls)
	}
	var (
		when                                             time.Time
		user, sso, bucket, key, version, region, day, ip string
		bytesIn                                          int64
	)
	err := w.engine.DB.QueryRow(`SELECT eventtime, user_arn, sso_user, bucket_name, object_key, version_id, bytes_in, region, "timestamp", source_ip_address
		FROM `+database+`.cloudtrail_s3_events_flattened WHERE request_id = ?`, "REQ0000000000001").
		Scan(&when, &user, &sso, &bucket, &key, &version, &bytesIn, &region, &day, &ip)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{when.UTC().Format(time.RFC3339), user, sso, bucket, key, version, bytesIn, region, day, ip}
	want := []any{"2026-11-27T10:01:02Z", "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_DataEngineer_0123456789abcdef/alice@example.com",
		"alice@example.com", rawBucket, "incoming/report.csv", "v1-report", int64(2048), "eu-west-1", "2026/11/27", "203.0.113.7"}
	if !slices.Equal(got, want) {
		t.Errorf("alice's upload =\n%v\nwant\n%v", got, want)
	}
}

func TestTheRunbooksValidationQueryListsRecentUploadsNewestFirst(t *testing.T) {
	w := newWorld(t)
	got := queryKeys(t, w, "validate_recent_uploads", "2026/11/28")
	want := []string{"incoming/my report.csv", "incoming/corrupt.bin", "incoming/gone.csv"}
	if !slices.Equal(got, want) {
		t.Errorf("uploads since 2026/11/28 = %v, want %v", got, want)
	}
}

func TestTheChainOfCustodyOfAKeyIsEveryCallAndReceiptInTimeOrder(t *testing.T) {
	w := newWorld(t)
	q := rendered(t, "chain_of_custody")
	rows, err := w.engine.DB.Query(q, "incoming/report.csv", "incoming/report.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var got []string
	for rows.Next() {
		var at time.Time
		var source, what string
		var who, from, version, request, detail, digest *string
		if err := rows.Scan(&at, &source, &what, &who, &from, &version, &request, &detail, &digest); err != nil {
			t.Fatal(err)
		}
		got = append(got, source+":"+what+"@"+at.UTC().Format(time.RFC3339))
	}
	want := []string{
		"cloudtrail:PutObject@2026-11-27T10:01:02Z",
		"cloudtrail:GetObject@2026-11-27T10:01:03Z",
		"cloudtrail:GetObject@2026-11-28T09:05:00Z",
		"receipt:recorded@2026-11-28T12:00:00Z",
	}
	if !slices.Equal(got, want) {
		t.Errorf("chain of custody = %v, want %v", got, want)
	}
}

func TestAPrettyPrintedReceiptBreaksTheTableAsItWouldInAthena(t *testing.T) {
	root := t.TempDir()
	w := &world{root: root}
	w.put(t, rawBucket, "provenance/incoming/x/v.json", []byte("{\n \"schemaVersion\": 1\n}\n"))
	e, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = e.Close() }()
	rt, err := e.CreateTable(database, names.ReceiptsTable, glueschema.Receipts(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.LoadJSONLines(database, rt, root, glueschema.ReceiptsLocation(rawBucket, receipt.Prefix)); err == nil {
		t.Fatal("a receipt spread over lines loaded; the JSON SerDe reads one object per line")
	}
}

func rendered(t *testing.T, name string) string {
	t.Helper()
	qs, err := queries.Render(names)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Name == name {
			return q.SQL
		}
	}
	t.Fatalf("no query %s", name)
	return ""
}

func queryKeys(t *testing.T, w *world, name string, args ...any) []string {
	t.Helper()
	rows, err := w.engine.DB.Query(rendered(t, name), args...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, vals[slices.Index(cols, "object_key")].(string))
	}
	return keys
}
