// Package recorder writes provenance receipts: for one object-created event it
// reads the exact object version the event announced, hashes it while
// streaming, and writes the receipt once, with a conditional write, so that a
// duplicate delivery changes nothing.
package recorder

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/caa304/secure-data-pipeline/functions/provenance/notification"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
)

// S3API is the part of the S3 client the recorder uses.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// Function identifies the code that writes receipts.
type Function struct {
	Name         string
	Version      string
	BinarySHA256 string
}

// Recorder records object versions. Its zero value is not usable: S3 is
// required.
type Recorder struct {
	// S3 reads objects and writes receipts.
	S3 S3API
	// IncomingPrefix is the only prefix whose objects are recorded.
	// Default "incoming/".
	IncomingPrefix string
	// Function is written into every receipt.
	Function Function
	// Now returns the time a receipt is recorded at. Default time.Now.
	Now func() time.Time
	// Retention, when set, locks every receipt it writes with S3 Object
	// Lock, so that nobody without s3:BypassGovernanceRetention (GOVERNANCE)
	// or nobody at all (COMPLIANCE) can change or delete it before the
	// retention ends. The bucket must have Object Lock enabled. Optional.
	Retention *Retention
}

// Retention is how receipts are locked.
type Retention struct {
	Mode types.ObjectLockMode // GOVERNANCE or COMPLIANCE
	Days int
}

// Outcome says what recording an object did.
type Outcome string

const (
	// Receipted means a new receipt was written for a version that was read.
	Receipted Outcome = "receipted"
	// ReceiptedMissing means the version was gone; a receipt with status missing
	// was written so the ledger still shows the event.
	ReceiptedMissing Outcome = "receipted_missing"
	// Duplicate means a receipt for the version already existed and agrees.
	Duplicate Outcome = "duplicate"
	// Skipped means the key is not one the function records (see Result.Reason).
	Skipped Outcome = "skipped"
)

// Result describes what Record did.
type Result struct {
	Outcome    Outcome
	Reason     string // why a key was skipped
	ReceiptKey string
	Receipt    *receipt.Receipt
}

// ErrIntegrity marks failures that mean the data is not what it claims to
// be: a receipt that disagrees with the object, or S3's checksum disagreeing
// with ours. They must reach a human, through the dead-letter queue.
var ErrIntegrity = errors.New("integrity alarm")

// Record records one object event. It returns an error when the event must
// be retried (and, after enough attempts, dead-lettered); a skipped key or a
// duplicate delivery is not an error.
func (r *Recorder) Record(ctx context.Context, o notification.Object) (Result, error) {
	if reason := r.skipReason(o.Key); reason != "" {
		return Result{Outcome: Skipped, Reason: reason}, nil
	}
	rc, err := r.fingerprint(ctx, o)
	if err != nil {
		return Result{}, err
	}
	rc.RecordedAt = receipt.Timestamp(r.now())
	res, err := r.write(ctx, rc)
	if err == nil && rc.ChecksumComparison == receipt.ChecksumMismatch {
		// The receipt is the evidence and the ledger shows it; the message
		// still fails, so it ends in the dead-letter queue and raises the alarm.
		err = fmt.Errorf("%w: s3://%s/%s version %q: S3's SHA-256 %s differs from the streamed bytes' sha256 %s",
			ErrIntegrity, rc.Bucket, rc.Key, rc.VersionID, rc.ChecksumSHA256, rc.SHA256)
	}
	return res, err
}

func (r *Recorder) skipReason(key string) string {
	incoming := r.IncomingPrefix
	if incoming == "" {
		incoming = "incoming/"
	}
	switch {
	case receipt.IsReceiptKey(key):
		return "key is under " + receipt.Prefix + " (the function's own output)"
	case !strings.HasPrefix(key, incoming):
		return "key is outside " + incoming
	case strings.HasSuffix(key, "/"):
		return "key is a folder marker"
	}
	return ""
}

func (r *Recorder) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// fingerprint reads the event's object version in full, hashing as it goes,
// and returns the receipt describing it.
func (r *Recorder) fingerprint(ctx context.Context, o notification.Object) (*receipt.Receipt, error) {
	rc := &receipt.Receipt{
		SchemaVersion:        receipt.SchemaVersion,
		Bucket:               o.Bucket,
		Key:                  o.Key,
		VersionID:            o.VersionID,
		Size:                 o.Size,
		ETag:                 o.ETag,
		EventName:            o.EventName,
		EventTime:            receipt.Timestamp(o.EventTime),
		Sequencer:            o.Sequencer,
		RequestID:            o.RequestID,
		PrincipalID:          o.PrincipalID,
		SourceIPAddress:      o.SourceIPAddress,
		FunctionName:         r.Function.Name,
		FunctionVersion:      r.Function.Version,
		FunctionBinarySHA256: r.Function.BinarySHA256,
	}
	in := &s3.GetObjectInput{
		Bucket:       aws.String(o.Bucket),
		Key:          aws.String(o.Key),
		ChecksumMode: types.ChecksumModeEnabled,
	}
	if o.VersionID != "" {
		in.VersionId = aws.String(o.VersionID)
	}
	out, err := r.S3.GetObject(ctx, in)
	if IsGone(err) {
		rc.Status = receipt.StatusMissing
		return rc, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading s3://%s/%s version %q: %w", o.Bucket, o.Key, o.VersionID, err)
	}
	defer func() { _ = out.Body.Close() }()

	h := sha256.New()
	n, err := hashStream(h, out.Body)
	if err != nil {
		return nil, fmt.Errorf("streaming s3://%s/%s version %q after %d bytes: %w", o.Bucket, o.Key, o.VersionID, n, err)
	}
	if out.ContentLength != nil && n != *out.ContentLength {
		return nil, fmt.Errorf("s3://%s/%s version %q: read %d bytes, S3 announced %d", o.Bucket, o.Key, o.VersionID, n, *out.ContentLength)
	}
	if o.Size != 0 && n != o.Size {
		return nil, fmt.Errorf("%w: s3://%s/%s version %q has %d bytes, the event reported %d", ErrIntegrity, o.Bucket, o.Key, o.VersionID, n, o.Size)
	}
	sum := h.Sum(nil)

	rc.Status = receipt.StatusRecorded
	rc.Size = n
	rc.SHA256 = hex.EncodeToString(sum)
	rc.VersionID = aws.ToString(out.VersionId)
	if rc.VersionID == "" {
		rc.VersionID = o.VersionID
	}
	rc.ETag = strings.Trim(aws.ToString(out.ETag), `"`)
	if out.LastModified != nil {
		rc.S3LastModified = receipt.Timestamp(*out.LastModified)
	}
	rc.ContentType = aws.ToString(out.ContentType)
	rc.SSEAlgorithm = string(out.ServerSideEncryption)
	rc.SSEKMSKeyID = aws.ToString(out.SSEKMSKeyId)
	rc.ChecksumType = string(out.ChecksumType)
	rc.ChecksumSHA256 = aws.ToString(out.ChecksumSHA256)
	rc.ChecksumCRC32 = aws.ToString(out.ChecksumCRC32)
	rc.ChecksumCRC32C = aws.ToString(out.ChecksumCRC32C)
	rc.ChecksumCRC64NVME = aws.ToString(out.ChecksumCRC64NVME)
	rc.ChecksumSHA1 = aws.ToString(out.ChecksumSHA1)
	rc.ChecksumComparison = compareSHA256(rc, sum)
	return rc, nil
}

// compareSHA256 compares S3's full-object SHA-256 with ours. A composite
// checksum (of the parts of a multipart upload, "<base64>-<parts>") is a
// hash of hashes and cannot be compared.
func compareSHA256(rc *receipt.Receipt, sum []byte) receipt.ChecksumComparison {
	s3sum := rc.ChecksumSHA256
	if s3sum == "" || rc.ChecksumType == string(types.ChecksumTypeComposite) || strings.Contains(s3sum, "-") {
		return receipt.ChecksumNotComparable
	}
	if s3sum == base64.StdEncoding.EncodeToString(sum) {
		return receipt.ChecksumMatch
	}
	return receipt.ChecksumMismatch
}

// write puts the receipt only if none exists yet. When one does, it must
// agree: the same version cannot have two different hashes.
func (r *Recorder) write(ctx context.Context, rc *receipt.Receipt) (Result, error) {
	key := receipt.KeyFor(rc.Key, rc.VersionID)
	body, err := rc.Marshal()
	if err != nil {
		return Result{}, err
	}
	outcome := Receipted
	if rc.Status == receipt.StatusMissing {
		outcome = ReceiptedMissing
	}
	put := &s3.PutObjectInput{
		Bucket:      aws.String(rc.Bucket),
		Key:         aws.String(key),
		Body:        bytes.NewReader(body),
		ContentType: aws.String("application/json"),
		IfNoneMatch: aws.String("*"),
	}
	if r.Retention != nil {
		put.ObjectLockMode = r.Retention.Mode
		put.ObjectLockRetainUntilDate = aws.Time(r.now().Add(time.Duration(r.Retention.Days) * 24 * time.Hour))
	}
	_, err = r.S3.PutObject(ctx, put)
	if err == nil {
		return Result{Outcome: outcome, ReceiptKey: key, Receipt: rc}, nil
	}
	if apiErrorCode(err) != "PreconditionFailed" {
		return Result{}, fmt.Errorf("writing receipt s3://%s/%s: %w", rc.Bucket, key, err)
	}
	existing, err := r.readReceipt(ctx, rc.Bucket, key)
	if err != nil {
		return Result{}, err
	}
	if existing.SHA256 != "" && rc.SHA256 != "" && existing.SHA256 != rc.SHA256 {
		return Result{}, fmt.Errorf("%w: receipt s3://%s/%s says sha256 %s, but the object version now hashes to %s",
			ErrIntegrity, rc.Bucket, key, existing.SHA256, rc.SHA256)
	}
	return Result{Outcome: Duplicate, ReceiptKey: key, Receipt: existing}, nil
}

func (r *Recorder) readReceipt(ctx context.Context, bucket, key string) (*receipt.Receipt, error) {
	out, err := r.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("reading existing receipt s3://%s/%s: %w", bucket, key, err)
	}
	defer func() { _ = out.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(out.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading existing receipt s3://%s/%s: %w", bucket, key, err)
	}
	existing, err := receipt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: existing receipt s3://%s/%s: %w", ErrIntegrity, bucket, key, err)
	}
	return existing, nil
}

// Hash streams one object version through SHA-256, with the same bounded
// memory as Record, and returns the hex hash and the byte count. An error for
// which IsGone is true means the version no longer exists.
func Hash(ctx context.Context, client S3API, bucket, key, versionID string) (sha string, size int64, err error) {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if versionID != "" && versionID != "null" {
		in.VersionId = aws.String(versionID)
	}
	out, err := client.GetObject(ctx, in)
	if err != nil {
		return "", 0, err
	}
	defer func() { _ = out.Body.Close() }()
	h := sha256.New()
	n, err := hashStream(h, out.Body)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// IsGone reports whether a read failed because the object or the version
// no longer exists.
func IsGone(err error) bool {
	if err == nil {
		return false
	}
	var noKey *types.NoSuchKey
	if errors.As(err, &noKey) {
		return true
	}
	code := apiErrorCode(err)
	return code == "NoSuchKey" || code == "NoSuchVersion"
}

func apiErrorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
