package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/caa304/secure-data-pipeline/functions/provenance/digest"
	"github.com/caa304/secure-data-pipeline/functions/provenance/notification"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
	"github.com/caa304/secure-data-pipeline/functions/provenance/verification"
	"github.com/caa304/secure-data-pipeline/tests/s3test"
)

const bucket = "sdp-verifier-raw-data"

func TestAScheduledRunReportsEveryVerdictLogsProblemsAndSignsYesterdaysDigest(t *testing.T) {
	c := s3test.Client(t, s3test.Fake(t, s3mem.New()), "test", "testtest")
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	rec := &recorder.Recorder{S3: c}
	for _, k := range []string{"incoming/good.csv", "incoming/bad.csv"} {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("data of " + k)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rec.Record(ctx, notification.Object{Bucket: bucket, Key: k, VersionID: aws.ToString(out.VersionId)}); err != nil {
			t.Fatal(err)
		}
	}
	// Someone replaces bad.csv's current bytes; its receipt names the old
	// version, so only rewriting the receipt itself can hide that. Do it.
	keys, _ := (&verification.Verifier{S3: c, Bucket: bucket}).ReceiptKeys(ctx, []string{"incoming/bad.csv"})
	forged := receipt.Receipt{SchemaVersion: 1, Status: receipt.StatusRecorded, Bucket: bucket, Key: "incoming/bad.csv", SHA256: strings.Repeat("0", 64)}
	forged.VersionID = strings.TrimSuffix(strings.TrimPrefix(keys[0], receipt.Prefix+"incoming/bad.csv/"), ".json")
	data, _ := forged.Marshal()
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(keys[0]), Body: bytes.NewReader(data)}); err != nil {
		t.Fatal(err)
	}

	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	var logs bytes.Buffer
	now := time.Now().UTC().AddDate(0, 0, 1) // tomorrow: the digest covers today's receipts
	j := &job{s3: c, verifier: &verification.Verifier{S3: c, Bucket: bucket}, signer: digest.LocalSigner{Private: key, ID: "k"},
		percent: 100, now: func() time.Time { return now }, log: slog.New(slog.NewJSONHandler(&logs, nil))}
	s, err := j.run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.Verified != 2 || s.Problems != 1 || s.DigestKey != digest.KeyFor(now.AddDate(0, 0, -1)) {
		t.Fatalf("summary = %+v, want 2 verified, 1 problem, a digest for today", s)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(s.Report)})
	if err != nil {
		t.Fatal(err)
	}
	report, _ := io.ReadAll(out.Body)
	var verdicts []string
	for _, line := range strings.Split(strings.TrimSpace(string(report)), "\n") {
		var l verification.ReportLine
		if err := json.Unmarshal([]byte(line), &l); err != nil || l.CheckedAt == "" {
			t.Fatalf("report line %q: %v", line, err)
		}
		verdicts = append(verdicts, fmt.Sprintf("%s %s", l.Status, l.Key))
	}
	if got := strings.Join(verdicts, ","); !strings.Contains(got, "OK incoming/good.csv") || !strings.Contains(got, "MISMATCH incoming/bad.csv") || len(verdicts) != 2 {
		t.Errorf("report verdicts = %v", verdicts)
	}
	if !strings.Contains(logs.String(), `"msg":"verdict","verdict":"MISMATCH"`) {
		t.Errorf("no verdict log line for the alarm's metric filter:\n%s", logs.String())
	}
	// The digest holds today's receipts as they are now; the chain verifies.
	if n, problems := digest.VerifyChain(ctx, c, bucket, &key.PublicKey); n != 1 || len(problems) != 0 {
		t.Errorf("digest chain: %d digests, problems %v; want 1 and none", n, problems)
	}
	if _, err := j.run(ctx); err != nil {
		t.Errorf("a second run the same day failed: %v", err)
	}
}

func TestSampleKeepsAShareAndAllAtOneHundred(t *testing.T) {
	var keys []string
	for i := range 1000 {
		keys = append(keys, fmt.Sprintf("provenance/incoming/%d.csv/v.json", i))
	}
	day := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	if got := len(sample(keys, 100, day)); got != 1000 {
		t.Errorf("100%% kept %d of 1000", got)
	}
	got := len(sample(keys, 10, day))
	if got < 50 || got > 200 {
		t.Errorf("10%% kept %d of 1000", got)
	}
	if a, b := sample(keys, 10, day), sample(keys, 10, day.AddDate(0, 0, 1)); strings.Join(a, ",") == strings.Join(b, ",") {
		t.Error("two days sampled the same receipts")
	}
}
