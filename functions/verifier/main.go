// Command verifier is the scheduled verification of the provenance receipts:
// on each run it re-hashes a sample (or all) of the receipted versions,
// writes a report with one line per verdict under provenance-reports/, logs
// every problem (a metric filter turns those lines into an alarm), and signs
// the previous day's digest of receipts. It is built as the "bootstrap" of
// a provided.al2023 function and invoked by an EventBridge schedule.
//
// Environment:
//
//	BUCKET           the raw bucket
//	INCOMING_PREFIX  where uploads arrive (default "incoming/")
//	SAMPLE_PERCENT   share of receipts verified each run, 1-100 (default 100)
//	DIGEST_KEY_ID    asymmetric KMS key that signs the daily digest
package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/caa304/secure-data-pipeline/functions/provenance/digest"
	"github.com/caa304/secure-data-pipeline/functions/provenance/verification"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	j, err := newJob(context.Background(), os.Getenv, log)
	if err != nil {
		log.Error("startup", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(func(ctx context.Context, _ json.RawMessage) (Summary, error) { return j.run(ctx) })
}

func newJob(ctx context.Context, getenv func(string) string, log *slog.Logger) (*job, error) {
	bucket := getenv("BUCKET")
	if bucket == "" {
		return nil, errors.New("BUCKET is not set; it names the raw bucket")
	}
	percent := 100
	if v := getenv("SAMPLE_PERCENT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 100 {
			return nil, fmt.Errorf("SAMPLE_PERCENT %q must be a whole number from 1 to 100", v)
		}
		percent = p
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = getenv("S3_FORCE_PATH_STYLE") == "true" })
	j := &job{
		s3:       client,
		verifier: &verification.Verifier{S3: client, Bucket: bucket, IncomingPrefix: getenv("INCOMING_PREFIX"), Concurrency: 8},
		percent:  percent,
		now:      time.Now,
		log:      log,
	}
	if key := getenv("DIGEST_KEY_ID"); key != "" {
		j.signer = digest.KMSSigner{Client: kms.NewFromConfig(cfg), Key: key}
	}
	return j, nil
}

// job is one verification run's dependencies.
type job struct {
	s3       verification.S3API
	verifier *verification.Verifier
	signer   digest.Signer // nil: no digest
	percent  int
	now      func() time.Time
	log      *slog.Logger
}

// Summary is what a run returns.
type Summary struct {
	Verified  int    `json:"verified"`
	Problems  int    `json:"problems"`
	Report    string `json:"report"`
	DigestKey string `json:"digestKey,omitempty"`
}

func (j *job) run(ctx context.Context) (Summary, error) {
	now := j.now().UTC()
	all, err := j.verifier.ReceiptKeys(ctx, nil)
	if err != nil {
		return Summary{}, err
	}
	sampled := sample(all, j.percent, now)
	results := j.verifier.Verify(ctx, sampled, nil)
	unreceipted, err := j.verifier.Unreceipted(ctx, all)
	if err != nil {
		return Summary{}, err
	}
	results = append(results, unreceipted...)

	s := Summary{Verified: len(sampled), Report: verification.ReportPrefix + now.Format("2006/01/02") + "/report-" + now.Format("150405") + ".json"}
	var body strings.Builder
	enc := json.NewEncoder(&body)
	for _, r := range results {
		if err := enc.Encode(verification.ReportLine{Result: r, CheckedAt: now.Format(time.RFC3339)}); err != nil {
			return s, err
		}
		if r.Status != verification.OK {
			s.Problems++
			// The metric filter on this line raises the integrity alarm.
			j.log.ErrorContext(ctx, "verdict", "verdict", string(r.Status), "key", r.Key, "versionId", r.VersionID, "receiptKey", r.ReceiptKey, "detail", r.Detail)
		}
	}
	if _, err := j.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(j.verifier.Bucket), Key: aws.String(s.Report),
		Body: strings.NewReader(body.String()), ContentType: aws.String("application/x-ndjson")}); err != nil {
		return s, fmt.Errorf("writing report %s: %w", s.Report, err)
	}
	if j.signer != nil {
		day := now.AddDate(0, 0, -1)
		switch _, err := digest.Write(ctx, j.s3, j.signer, j.verifier.Bucket, day); {
		case err == nil:
			s.DigestKey = digest.KeyFor(day)
		case preconditionFailed(err):
			j.log.InfoContext(ctx, "digest", "outcome", "exists", "key", digest.KeyFor(day))
		default:
			return s, err
		}
	}
	j.log.InfoContext(ctx, "run", "verified", s.Verified, "problems", s.Problems, "report", s.Report, "digest", s.DigestKey)
	return s, nil
}

// sample keeps percent of the receipts, a different share each day, chosen
// by hashing the day with the key so that every receipt is checked over time.
func sample(keys []string, percent int, day time.Time) []string {
	if percent >= 100 {
		return keys
	}
	var out []string
	for _, k := range keys {
		h := sha256.Sum256([]byte(day.Format("2006-01-02") + "\x00" + k))
		if binary.BigEndian.Uint16(h[:2])%100 < uint16(percent) { //nolint:gosec // percent is 1-100

			out = append(out, k)
		}
	}
	return out
}

func preconditionFailed(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "PreconditionFailed"
}
