// Command provenance is the provenance Lambda function: for every object
// created under incoming/ in the raw bucket it writes a receipt holding the
// object version's SHA-256 under provenance/. It is built as the "bootstrap"
// of a provided.al2023 function.
//
// Environment:
//
//	INCOMING_PREFIX       only keys under it are recorded (default "incoming/")
//	RECEIPT_LOCK_MODE     GOVERNANCE or COMPLIANCE: lock every receipt (optional)
//	RECEIPT_LOCK_DAYS     how long, with RECEIPT_LOCK_MODE
//	S3_FORCE_PATH_STYLE   "true" for S3-compatible servers addressed by IP
//	AWS_ENDPOINT_URL_S3   another S3 endpoint (read by the AWS SDK)
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	ctx := context.Background()
	client, err := newS3Client(ctx, os.Getenv)
	if err != nil {
		log.Error("startup", "error", err.Error())
		os.Exit(1)
	}
	retention, err := retentionFromEnv(os.Getenv)
	if err != nil {
		log.Error("startup", "error", err.Error())
		os.Exit(1)
	}
	h := &handler{
		recorder: &recorder.Recorder{
			Retention:      retention,
			S3:             client,
			IncomingPrefix: os.Getenv("INCOMING_PREFIX"),
			Function: recorder.Function{
				Name:         os.Getenv("AWS_LAMBDA_FUNCTION_NAME"),
				Version:      os.Getenv("AWS_LAMBDA_FUNCTION_VERSION"),
				BinarySHA256: ownSHA256(),
			},
		},
		log: log,
	}
	lambda.Start(h.Handle)
}

// newS3Client builds the client the function uses, from the standard AWS
// configuration chain (the execution role's credentials in Lambda). The SDK's
// standard retryer retries throttling and 5xx answers before a record fails.
func newS3Client(ctx context.Context, getenv func(string) string) (*s3.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = getenv("S3_FORCE_PATH_STYLE") == "true"
	}), nil
}

// retentionFromEnv reads how receipts are locked; nil when they are not.
func retentionFromEnv(getenv func(string) string) (*recorder.Retention, error) {
	mode := getenv("RECEIPT_LOCK_MODE")
	if mode == "" {
		return nil, nil
	}
	if mode != "GOVERNANCE" && mode != "COMPLIANCE" {
		return nil, fmt.Errorf("RECEIPT_LOCK_MODE %q must be GOVERNANCE or COMPLIANCE", mode)
	}
	days, err := strconv.Atoi(getenv("RECEIPT_LOCK_DAYS"))
	if err != nil || days < 1 {
		return nil, fmt.Errorf("RECEIPT_LOCK_DAYS %q must be a whole number of days, 1 or more", getenv("RECEIPT_LOCK_DAYS"))
	}
	return &recorder.Retention{Mode: types.ObjectLockMode(mode), Days: days}, nil
}

// ownSHA256 identifies the exact code that writes a receipt. Empty if the
// executable cannot be read, which must not stop receipts being written.
func ownSHA256() string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(path) //nolint:gosec // the function's own executable
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}
