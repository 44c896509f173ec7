// Package verification checks receipts against the objects they describe,
// and writes receipts for objects that have none. A receipt written once
// proves nothing later unless something reads the pinned version again,
// hashes it, and compares.
package verification

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/caa304/secure-data-pipeline/functions/provenance/notification"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
)

// S3API is the part of the S3 client verification uses.
type S3API interface {
	recorder.S3API
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	ListObjectVersions(ctx context.Context, in *s3.ListObjectVersionsInput, opts ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error)
}

// Status is the verdict on one receipt or object version.
type Status string

// The verdicts. Every one but OK means something is wrong.
const (
	OK             Status = "OK"
	Mismatch       Status = "MISMATCH"        // the version no longer hashes to the receipt's SHA-256
	ObjectMissing  Status = "OBJECT_MISSING"  // the receipt's version is gone
	ReceiptInvalid Status = "RECEIPT_INVALID" // the receipt cannot be read as a receipt
	NoReceipt      Status = "NO_RECEIPT"      // an object version under the incoming prefix has no receipt
	ReadError      Status = "READ_ERROR"      // the version could not be read (denied, throttled): not a verdict on it
)

// Result is the verdict on one receipt, or on one version without one.
type Result struct {
	Status     Status `json:"status"`
	Key        string `json:"key,omitempty"`
	VersionID  string `json:"versionId,omitempty"`
	ReceiptKey string `json:"receiptKey"`
	Expected   string `json:"expectedSha256,omitempty"`
	Actual     string `json:"actualSha256,omitempty"`
	Detail     string `json:"detail,omitempty"`

	// lastModified and size describe an unreceipted version, for Backfill.
	lastModified time.Time
	size         int64
}

// Verifier verifies the receipts of one bucket.
type Verifier struct {
	S3             S3API
	Bucket         string
	IncomingPrefix string // default "incoming/"
	Concurrency    int    // default 4
}

func (v *Verifier) incoming() string {
	if v.IncomingPrefix == "" {
		return "incoming/"
	}
	return v.IncomingPrefix
}

// ReceiptKeys lists the receipts to verify: all of them, or, when keys are
// given, those of the given object keys.
func (v *Verifier) ReceiptKeys(ctx context.Context, keys []string) ([]string, error) {
	return v.ReceiptKeysUnder(ctx, "", keys)
}

// ReceiptKeysUnder lists the receipts of the object keys that start with
// prefix (for example "incoming/2026/"), or of the given keys.
func (v *Verifier) ReceiptKeysUnder(ctx context.Context, prefix string, keys []string) ([]string, error) {
	prefixes := []string{receipt.Prefix + prefix}
	if len(keys) > 0 {
		prefixes = nil
		for _, k := range keys {
			prefixes = append(prefixes, receipt.Prefix+k+"/")
		}
	}
	var out []string
	for _, p := range prefixes {
		pages := s3.NewListObjectsV2Paginator(v.S3, &s3.ListObjectsV2Input{Bucket: aws.String(v.Bucket), Prefix: aws.String(p)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("listing s3://%s/%s: %w", v.Bucket, p, err)
			}
			for _, o := range page.Contents {
				if strings.HasSuffix(aws.ToString(o.Key), ".json") {
					out = append(out, aws.ToString(o.Key))
				}
			}
		}
	}
	return out, nil
}

// Verify checks each receipt, Concurrency at a time, calling progress (if
// not nil) after each. Results come back in the order of receiptKeys.
func (v *Verifier) Verify(ctx context.Context, receiptKeys []string, progress func(done, total int)) []Result {
	workers := v.Concurrency
	if workers < 1 {
		workers = 4
	}
	results := make([]Result, len(receiptKeys))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = v.verifyOne(ctx, receiptKeys[i])
				if progress != nil {
					mu.Lock()
					done++
					progress(done, len(receiptKeys))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range receiptKeys {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

func (v *Verifier) verifyOne(ctx context.Context, key string) Result {
	res := Result{ReceiptKey: key}
	out, err := v.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(v.Bucket), Key: aws.String(key)})
	if err != nil {
		res.Status, res.Detail = ReceiptInvalid, "reading the receipt: "+err.Error()
		return res
	}
	data, err := io.ReadAll(io.LimitReader(out.Body, 1<<20))
	_ = out.Body.Close()
	if err != nil {
		res.Status, res.Detail = ReceiptInvalid, "reading the receipt: "+err.Error()
		return res
	}
	rc, err := receipt.Parse(data)
	if err != nil {
		res.Status, res.Detail = ReceiptInvalid, err.Error()
		return res
	}
	res.Key, res.VersionID, res.Expected = rc.Key, rc.VersionID, rc.SHA256
	if want := receipt.KeyFor(rc.Key, rc.VersionID); want != key {
		res.Status, res.Detail = ReceiptInvalid, fmt.Sprintf("a receipt for %s version %s belongs at %s", rc.Key, rc.VersionID, want)
		return res
	}
	if rc.Status == receipt.StatusMissing {
		res.Status, res.Detail = OK, "the receipt records that the version was gone when the function ran"
		return res
	}
	sha, size, err := recorder.Hash(ctx, v.S3, rc.Bucket, rc.Key, rc.VersionID)
	switch {
	case recorder.IsGone(err):
		res.Status, res.Detail = ObjectMissing, "the receipted version no longer exists"
	case err != nil:
		res.Status, res.Detail = ReadError, "reading the version: "+err.Error()
	case sha != rc.SHA256 || size != rc.Size:
		res.Status, res.Actual = Mismatch, sha
		res.Detail = fmt.Sprintf("receipt says %d bytes, the version has %d", rc.Size, size)
	default:
		res.Status, res.Actual = OK, sha
	}
	return res
}

// Unreceipted lists the object versions under the incoming prefix whose
// receipt is not among receiptKeys.
func (v *Verifier) Unreceipted(ctx context.Context, receiptKeys []string) ([]Result, error) {
	have := make(map[string]bool, len(receiptKeys))
	for _, k := range receiptKeys {
		have[k] = true
	}
	var out []Result
	err := v.eachVersion(ctx, func(ver types.ObjectVersion) error {
		key, versionID := aws.ToString(ver.Key), aws.ToString(ver.VersionId)
		if rk := receipt.KeyFor(key, versionID); !have[rk] {
			out = append(out, Result{Status: NoReceipt, Key: key, VersionID: versionID, ReceiptKey: rk,
				lastModified: aws.ToTime(ver.LastModified), size: aws.ToInt64(ver.Size)})
		}
		return nil
	})
	return out, err
}

// eachVersion calls f for every object version under the incoming prefix,
// skipping delete markers and folder markers.
func (v *Verifier) eachVersion(ctx context.Context, f func(types.ObjectVersion) error) error {
	pages := s3.NewListObjectVersionsPaginator(v.S3, &s3.ListObjectVersionsInput{Bucket: aws.String(v.Bucket), Prefix: aws.String(v.incoming())})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing versions of s3://%s/%s: %w", v.Bucket, v.incoming(), err)
		}
		for _, ver := range page.Versions {
			if strings.HasSuffix(aws.ToString(ver.Key), "/") {
				continue
			}
			if err := f(ver); err != nil {
				return err
			}
		}
	}
	return nil
}

// Backfill writes receipts, with the function's own code and conditional
// write, for every version under the incoming prefix that has none. It is
// idempotent and resumable: a rerun writes only what is still missing. It
// returns how many receipts it wrote and the versions it could not record.
func (v *Verifier) Backfill(ctx context.Context, r *recorder.Recorder, progress func(written int)) (int, error) {
	existing, err := v.ReceiptKeys(ctx, nil)
	if err != nil {
		return 0, err
	}
	missing, err := v.Unreceipted(ctx, existing)
	if err != nil {
		return 0, err
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].ReceiptKey < missing[j].ReceiptKey })
	written := 0
	var failed []error
	for _, m := range missing {
		res, err := r.Record(ctx, notification.Object{Bucket: v.Bucket, Key: m.Key, VersionID: m.VersionID,
			Size: m.size, EventName: "Backfill", EventTime: m.lastModified})
		if err != nil {
			failed = append(failed, fmt.Errorf("%s version %s: %w", m.Key, m.VersionID, err))
			continue
		}
		if res.Outcome == recorder.Receipted || res.Outcome == recorder.ReceiptedMissing {
			written++
			if progress != nil {
				progress(written)
			}
		}
	}
	return written, errors.Join(failed...)
}

// ReportLine is one line of a verification report: a verdict and when it was
// reached. The reports table over provenance-reports/ is generated from it.
type ReportLine struct {
	Result
	CheckedAt string `json:"checkedAt"` // RFC 3339, UTC
}

// ReportPrefix is where scheduled verification writes its reports, one folder
// per day: <ReportPrefix>yyyy/MM/dd/.
const ReportPrefix = "provenance-reports/"
