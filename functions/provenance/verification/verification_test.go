package verification

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/caa304/secure-data-pipeline/functions/provenance/notification"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
	"github.com/caa304/secure-data-pipeline/tests/s3test"
)

// servers are the S3 servers the tests run against: gofakes3 in the test
// process always, and the server SDP_S3_ENDPOINT names when set (versitygw
// in CI).
func servers(t *testing.T) map[string]func(*testing.T) *store {
	t.Helper()
	out := map[string]func(*testing.T) *store{"gofakes3": func(t *testing.T) *store {
		return newStore(t, s3test.Fake(t, s3mem.New()), "test", "testtest")
	}}
	if endpoint := os.Getenv("SDP_S3_ENDPOINT"); endpoint != "" {
		out["versitygw"] = func(t *testing.T) *store {
			return newStore(t, endpoint, os.Getenv("SDP_S3_ACCESS_KEY"), os.Getenv("SDP_S3_SECRET_KEY"))
		}
	}
	return out
}

// store is a fresh versioned bucket on an S3 server.
type store struct {
	t      *testing.T
	bucket string
	client *s3.Client
	rec    *recorder.Recorder
}

func newStore(t *testing.T, endpoint, access, secret string) *store {
	t.Helper()
	c := s3test.Client(t, endpoint, access, secret)
	bucket := s3test.Bucket(t, c, "sdp-verify-", true)
	return &store{t: t, bucket: bucket, client: c, rec: &recorder.Recorder{S3: c, Now: func() time.Time { return time.Unix(0, 0) }}}
}

// put uploads an object and returns its version id.
func (s *store) put(key, body string) string {
	s.t.Helper()
	out, err := s.client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key), Body: bytes.NewReader([]byte(body))})
	if err != nil {
		s.t.Fatal(err)
	}
	return aws.ToString(out.VersionId)
}

// receipted uploads an object and records it as the function would.
func (s *store) receipted(key, body string) string {
	s.t.Helper()
	v := s.put(key, body)
	if _, err := s.rec.Record(context.Background(), notification.Object{Bucket: s.bucket, Key: key, VersionID: v, Size: int64(len(body))}); err != nil {
		s.t.Fatal(err)
	}
	return v
}

func (s *store) verify(keys ...string) []Result {
	s.t.Helper()
	v := &Verifier{S3: s.client, Bucket: s.bucket, Concurrency: 3}
	rks, err := v.ReceiptKeys(context.Background(), keys)
	if err != nil {
		s.t.Fatal(err)
	}
	results := v.Verify(context.Background(), rks, nil)
	none, err := v.Unreceipted(context.Background(), rks)
	if err != nil {
		s.t.Fatal(err)
	}
	if len(keys) == 0 {
		results = append(results, none...)
	}
	return results
}

func verdicts(results []Result) []string {
	var out []string
	for _, r := range results {
		out = append(out, string(r.Status)+" "+r.Key+" "+r.ReceiptKey)
	}
	slices.Sort(out)
	return out
}

func TestVerifyFindsEverySeededProblemAndNothingElse(t *testing.T) {
	for server, open := range servers(t) {
		t.Run(server, func(t *testing.T) {
			s := open(t)
			okV := s.receipted("incoming/good.csv", "good")
			goneV := s.receipted("incoming/gone.csv", "soon gone")
			if _, err := s.client.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String("incoming/gone.csv"), VersionId: aws.String(goneV)}); err != nil {
				t.Fatal(err)
			}
			// A receipt rewritten by someone to claim other bytes.
			tamperedV := s.put("incoming/tampered.csv", "real bytes")
			forged := receipt.Receipt{SchemaVersion: 1, Status: receipt.StatusRecorded, Bucket: s.bucket, Key: "incoming/tampered.csv",
				VersionID: tamperedV, Size: 10, SHA256: "0000000000000000000000000000000000000000000000000000000000000000"}
			data, _ := forged.Marshal()
			s.putRaw(receipt.KeyFor("incoming/tampered.csv", tamperedV), data)
			// A receipt that is not JSON.
			brokenV := s.put("incoming/broken.csv", "x")
			s.putRaw(receipt.KeyFor("incoming/broken.csv", brokenV), []byte("{not json"))
			// An upload nobody recorded.
			lateV := s.put("incoming/late.csv", "no receipt yet")

			got := verdicts(s.verify())
			want := []string{
				"MISMATCH incoming/tampered.csv " + receipt.KeyFor("incoming/tampered.csv", tamperedV),
				"NO_RECEIPT incoming/late.csv " + receipt.KeyFor("incoming/late.csv", lateV),
				"OBJECT_MISSING incoming/gone.csv " + receipt.KeyFor("incoming/gone.csv", goneV),
				"OK incoming/good.csv " + receipt.KeyFor("incoming/good.csv", okV),
				"RECEIPT_INVALID  " + receipt.KeyFor("incoming/broken.csv", brokenV),
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("verdicts:\n%v\nwant:\n%v", got, want)
			}
		})
	}
}

func TestVerifyChecksOnlyTheGivenKeys(t *testing.T) {
	for server, open := range servers(t) {
		t.Run(server, func(t *testing.T) {
			s := open(t)
			s.receipted("incoming/a.csv", "a")
			s.receipted("incoming/b.csv", "b")
			got := verdicts(s.verify("incoming/a.csv"))
			if len(got) != 1 || got[0][:3] != "OK " {
				t.Errorf("verdicts = %v, want one OK for incoming/a.csv", got)
			}
		})
	}
}

func (s *store) putRaw(key string, data []byte) {
	s.t.Helper()
	if _, err := s.client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
		s.t.Fatal(err)
	}
}

func TestBackfillIsIdempotentAndResumes(t *testing.T) {
	for server, open := range servers(t) {
		t.Run(server, func(t *testing.T) {
			s := open(t)
			s.receipted("incoming/already.csv", "has a receipt")
			s.put("incoming/old1.csv", "before the pipeline")
			s.put("incoming/old2.csv", "also before")
			v := &Verifier{S3: s.client, Bucket: s.bucket}

			// An interrupted run: cancel after the first receipt is written.
			ctx, cancel := context.WithCancel(context.Background())
			written, _ := v.Backfill(ctx, s.rec, func(int) { cancel() })
			if written != 1 {
				t.Fatalf("interrupted run wrote %d receipts, want 1", written)
			}
			written, err := v.Backfill(context.Background(), s.rec, nil)
			if err != nil || written != 1 {
				t.Fatalf("resumed run wrote %d receipts (err %v), want the 1 still missing", written, err)
			}
			written, err = v.Backfill(context.Background(), s.rec, nil)
			if err != nil || written != 0 {
				t.Fatalf("a third run wrote %d receipts (err %v), want none", written, err)
			}
			for _, r := range s.verify() {
				if r.Status != OK {
					t.Errorf("after backfill: %+v", r)
				}
			}
		})
	}
}

func TestAReadThatS3RefusesIsNotCalledAMissingObject(t *testing.T) {
	s := servers(t)["gofakes3"](t)
	s.receipted("incoming/denied.csv", "x")
	v := &Verifier{S3: deniedReads{s.client}, Bucket: s.bucket}
	keys, err := v.ReceiptKeys(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := v.Verify(context.Background(), keys, nil); len(r) != 1 || r[0].Status != ReadError {
		t.Errorf("verdicts = %+v, want READ_ERROR", r)
	}
}

// deniedReads refuses reads of uploads, as S3 does without s3:GetObject.
type deniedReads struct{ *s3.Client }

func (d deniedReads) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if strings.HasPrefix(aws.ToString(in.Key), "incoming/") {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "denied"}
	}
	return d.Client.GetObject(ctx, in, opts...)
}
