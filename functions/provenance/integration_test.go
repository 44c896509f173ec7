package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/caa304/secure-data-pipeline/functions/provenance/internal/heapwatch"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
)

// Integration tests run against a real S3-compatible server: versitygw in CI
// (see .ci/run). They are skipped unless SDP_S3_ENDPOINT names one.
//
//	SDP_S3_ENDPOINT    for example http://127.0.0.1:7070
//	SDP_S3_ACCESS_KEY  default "test"
//	SDP_S3_SECRET_KEY  default "testtest"
func integrationWorld(t *testing.T) *world {
	t.Helper()
	endpoint := os.Getenv("SDP_S3_ENDPOINT")
	if endpoint == "" {
		t.Skip("SDP_S3_ENDPOINT is not set; .ci/run starts versitygw and sets it")
	}
	access, secret := os.Getenv("SDP_S3_ACCESS_KEY"), os.Getenv("SDP_S3_SECRET_KEY")
	if access == "" {
		access, secret = "test", "testtest"
	}
	return (&world{}).connect(t, endpoint, access, secret, uniqueBucket(t))
}

// uniqueBucket names a fresh bucket: the server outlives the test.
func uniqueBucket(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "sdp-it-" + hex.EncodeToString(b)
}

func TestIntegrationReceiptsPinTheVersionTheEventAnnounced(t *testing.T) {
	w := integrationWorld(t)
	v1 := w.put("incoming/pinned.csv", []byte("first version"))
	v2 := w.put("incoming/pinned.csv", []byte("second version, already newer when v1's event arrives"))
	if failed := w.invoke(sqsMessage{"m1", notificationOf(v1)}); len(failed) != 0 {
		t.Fatalf("failed %v\nlogs:\n%s", failed, w.logs)
	}
	r, ok := w.receiptOf(v1)
	if !ok || r.VersionID != v1.versionID || r.SHA256 != v1.sha256 || r.SHA256 == v2.sha256 {
		t.Fatalf("receipt = %+v, want version %s with hash %s", r, v1.versionID, v1.sha256)
	}
}

func TestIntegrationS3sRealChecksumsAreRecordedAndCompared(t *testing.T) {
	w := integrationWorld(t)
	body := []byte("checksummed by the server itself")
	out, err := w.client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(w.bucket), Key: aws.String("incoming/sha.csv"), Body: strings.NewReader(string(body)),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
	})
	if err != nil {
		t.Fatal(err)
	}
	u := w.uploaded("incoming/sha.csv", body, out)
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
		t.Fatalf("failed %v\nlogs:\n%s", failed, w.logs)
	}
	r, _ := w.receiptOf(u)
	sum := sha256.Sum256(body)
	if r.ChecksumSHA256 != base64.StdEncoding.EncodeToString(sum[:]) || r.ChecksumComparison != receipt.ChecksumMatch {
		t.Errorf("checksum %q (%s) comparison %q, want the server's SHA-256 and match", r.ChecksumSHA256, r.ChecksumType, r.ChecksumComparison)
	}
	t.Logf("server checksums: type=%s sha256=%s crc32=%s crc64nvme=%s", r.ChecksumType, r.ChecksumSHA256, r.ChecksumCRC32, r.ChecksumCRC64NVME)
}

func TestIntegrationConditionalWritesMakeRedeliveryANoOp(t *testing.T) {
	w := integrationWorld(t)
	u := w.put("incoming/twice.csv", []byte("delivered twice"))
	msg := sqsMessage{"m1", notificationOf(u)}
	for i := range 2 {
		if failed := w.invoke(msg); len(failed) != 0 {
			t.Fatalf("delivery %d failed: %v\nlogs:\n%s", i+1, failed, w.logs)
		}
	}
	versions, err := w.client.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{
		Bucket: aws.String(w.bucket), Prefix: aws.String(receipt.KeyFor(u.key, u.versionID)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(versions.Versions); n != 1 {
		t.Errorf("the receipt has %d versions, want 1: the second delivery must write nothing", n)
	}
}

// pattern is a reproducible stream of pseudo-random bytes of a given size
// that can be read, and re-read after Seek, without holding it in memory.
type pattern struct {
	size, off int64
}

func (p *pattern) byteAt(i int64) byte {
	x := uint64(i) * 0x9E3779B97F4A7C15  //nolint:gosec // offsets are never negative
	return byte(x>>56) ^ byte(x>>8&0xff) //nolint:gosec // masked to a byte
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	n := int64(len(b))
	if rest := p.size - p.off; n > rest {
		n = rest
	}
	for i := range n {
		b[i] = p.byteAt(p.off + i)
	}
	p.off += n
	return int(n), nil
}

func (p *pattern) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		p.off = offset
	case io.SeekCurrent:
		p.off += offset
	case io.SeekEnd:
		p.off = p.size + offset
	default:
		return 0, fmt.Errorf("pattern: bad whence %d", whence)
	}
	return p.off, nil
}

func TestIntegrationA1GiBObjectIsHashedWithFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads and hashes 1 GiB")
	}
	w := integrationWorld(t)
	const size = 1 << 30
	h := sha256.New()
	if _, err := io.Copy(h, &pattern{size: size}); err != nil {
		t.Fatal(err)
	}
	want := hex.EncodeToString(h.Sum(nil))
	out, err := w.client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(w.bucket), Key: aws.String("incoming/big.bin"), Body: &pattern{size: size},
	})
	if err != nil {
		t.Fatal(err)
	}
	u := upload{bucket: w.bucket, key: "incoming/big.bin", versionID: aws.ToString(out.VersionId), size: size,
		etag: strings.Trim(aws.ToString(out.ETag), `"`), sha256: want}

	peak := heapwatch.Peak(func() {
		if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
			t.Errorf("failed %v\nlogs:\n%s", failed, w.logs)
		}
	})
	r, ok := w.receiptOf(u)
	if !ok || r.SHA256 != want || r.Size != size {
		t.Fatalf("receipt = %+v, want sha256 %s of %d bytes", r, want, size)
	}
	fmt.Printf("1 GiB object: peak heap growth while recording %.1f MiB\n", float64(peak)/(1<<20))
	if peak > 64<<20 {
		t.Errorf("heap grew by %d MiB while hashing 1 GiB, want under 64 MiB", peak>>20)
	}
}

func TestIntegrationLockedReceiptsCannotBeDeleted(t *testing.T) {
	w := integrationWorld(t)
	ctx := context.Background()
	locked := uniqueBucket(t)
	if _, err := w.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(locked), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	w.bucket = locked
	w.handler.recorder.Retention = &recorder.Retention{Mode: types.ObjectLockModeCompliance, Days: 1}
	w.handler.recorder.Now = time.Now
	u := w.put("incoming/locked.csv", []byte("evidence"))
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
		t.Fatalf("failed %v\nlogs:\n%s", failed, w.logs)
	}
	key := receipt.KeyFor(u.key, u.versionID)
	head, err := w.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(locked), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	if head.ObjectLockMode != types.ObjectLockModeCompliance || head.ObjectLockRetainUntilDate == nil {
		t.Fatalf("receipt lock = %q until %v, want COMPLIANCE with a date", head.ObjectLockMode, head.ObjectLockRetainUntilDate)
	}
	if _, err := w.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(locked), Key: aws.String(key), VersionId: head.VersionId}); err == nil {
		t.Error("a locked receipt version was deleted")
	}
}
