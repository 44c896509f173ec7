package recorder

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/caa304/secure-data-pipeline/functions/provenance/notification"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
)

// memS3 answers GetObject and PutObject from memory, with no checksum
// validation of its own: what a corrupted store would hand the function.
type memS3 struct {
	objects   map[string][]byte
	checksums map[string]string // key -> base64 SHA-256 S3 claims
	puts      []*s3.PutObjectInput
}

func (m *memS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	data, ok := m.objects[aws.ToString(in.Key)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchKey"}
	}
	out := &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(data)), ContentLength: aws.Int64(int64(len(data))), VersionId: in.VersionId}
	if c, ok := m.checksums[aws.ToString(in.Key)]; ok {
		out.ChecksumSHA256 = aws.String(c)
		out.ChecksumType = "FULL_OBJECT"
	}
	return out, nil
}

func (m *memS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	m.puts = append(m.puts, in)
	key := aws.ToString(in.Key)
	if _, exists := m.objects[key]; exists && aws.ToString(in.IfNoneMatch) == "*" {
		return nil, &smithy.GenericAPIError{Code: "PreconditionFailed"}
	}
	data, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	m.objects[key] = data
	return &s3.PutObjectOutput{}, nil
}

func TestAChecksumMismatchIsReceiptedAsEvidenceAndStillFails(t *testing.T) {
	body := []byte("the bytes as stored")
	claimed := sha256.Sum256([]byte("the bytes as uploaded"))
	m := &memS3{
		objects:   map[string][]byte{"incoming/x.csv": body},
		checksums: map[string]string{"incoming/x.csv": base64.StdEncoding.EncodeToString(claimed[:])},
	}
	r := &Recorder{S3: m, Now: func() time.Time { return time.Unix(0, 0) }}
	o := notification.Object{Bucket: "b", Key: "incoming/x.csv", VersionID: "v1", Size: int64(len(body)), EventName: "ObjectCreated:Put"}
	for attempt := 1; attempt <= 2; attempt++ {
		_, err := r.Record(context.Background(), o)
		if !errors.Is(err, ErrIntegrity) {
			t.Fatalf("attempt %d: err = %v, want an integrity alarm", attempt, err)
		}
	}
	got, err := receipt.Parse(m.objects[receipt.KeyFor(o.Key, o.VersionID)])
	if err != nil {
		t.Fatalf("no readable receipt: %v", err)
	}
	sum := sha256.Sum256(body)
	if got.ChecksumComparison != receipt.ChecksumMismatch || got.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("receipt = %+v, want the streamed bytes' hash and comparison mismatch", got)
	}
}

func TestAMatchingChecksumIsRecordedAsAMatch(t *testing.T) {
	body := []byte("intact")
	sum := sha256.Sum256(body)
	m := &memS3{
		objects:   map[string][]byte{"incoming/y.csv": body},
		checksums: map[string]string{"incoming/y.csv": base64.StdEncoding.EncodeToString(sum[:])},
	}
	res, err := (&Recorder{S3: m}).Record(context.Background(), notification.Object{Bucket: "b", Key: "incoming/y.csv", VersionID: "v1", Size: 6})
	if err != nil || res.Receipt.ChecksumComparison != receipt.ChecksumMatch {
		t.Fatalf("Record = %+v, %v; want a receipt with comparison match", res.Receipt, err)
	}
}

func TestReceiptsAreLockedWhenRetentionIsSet(t *testing.T) {
	m := &memS3{objects: map[string][]byte{"incoming/z.csv": []byte("z")}}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	r := &Recorder{S3: m, Now: func() time.Time { return now }, Retention: &Retention{Mode: "COMPLIANCE", Days: 30}}
	if _, err := r.Record(context.Background(), notification.Object{Bucket: "b", Key: "incoming/z.csv", VersionID: "v", Size: 1}); err != nil {
		t.Fatal(err)
	}
	put := m.puts[len(m.puts)-1]
	if put.ObjectLockMode != "COMPLIANCE" || !aws.ToTime(put.ObjectLockRetainUntilDate).Equal(now.Add(30*24*time.Hour)) {
		t.Errorf("receipt written with lock %q until %v, want COMPLIANCE for 30 days", put.ObjectLockMode, put.ObjectLockRetainUntilDate)
	}
}
