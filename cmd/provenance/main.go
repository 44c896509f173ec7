// Command provenance checks and completes the provenance receipts of a raw
// bucket.
//
//	provenance verify   --bucket B [--prefix P | --key K...] [--concurrency N] [--json]
//	provenance verify   --bucket B --digests --public-key FILE
//	provenance backfill --bucket B
//
// verify re-reads the pinned version of every receipt (or of the given
// keys), re-hashes it and reports OK, MISMATCH, OBJECT_MISSING or
// RECEIPT_INVALID for each, and NO_RECEIPT for every version under
// incoming/ without a receipt; it exits 1 if anything is wrong. backfill
// writes receipts, with the function's own code and conditional write, for
// versions that predate the pipeline; rerunning it is safe and resumes.
//
// Both work against AWS with the standard credential chain (SSO profiles
// included: aws sso login, then AWS_PROFILE) or, with --endpoint and
// --path-style, any S3-compatible server.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/term"

	"github.com/caa304/secure-data-pipeline/functions/provenance/digest"
	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
	"github.com/caa304/secure-data-pipeline/functions/provenance/verification"
)

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1 // verify found something wrong, or backfill could not record a version
	exitUsage    = 2 // bad flags, no credentials, unreachable endpoint
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, isTerminal(os.Stderr)))
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) } //nolint:gosec // a file descriptor fits an int

const usage = `usage:
  provenance verify   --bucket BUCKET [--prefix P | --key KEY...] [--concurrency N] [--json] [--endpoint URL --path-style] [--region REGION]
  provenance verify   --bucket BUCKET --digests --public-key FILE
  provenance backfill --bucket BUCKET [--endpoint URL --path-style] [--region REGION]`

// keys collects repeated --key flags.
type keys []string

func (k *keys) String() string     { return strings.Join(*k, ",") }
func (k *keys) Set(v string) error { *k = append(*k, v); return nil }

type options struct {
	bucket, endpoint, region, incoming string
	prefix                             string
	pathStyle, json, digests           bool
	publicKey                          string
	concurrency                        int
	keys                               keys
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, terminal bool) int {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "backfill") {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	cmd := args[0]
	var o options
	fs := flag.NewFlagSet("provenance "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bucket, "bucket", "", "the raw bucket (stack output rawBucketName)")
	fs.StringVar(&o.endpoint, "endpoint", "", "an S3-compatible endpoint instead of AWS, for example http://127.0.0.1:7070")
	fs.BoolVar(&o.pathStyle, "path-style", false, "address buckets by path, as local servers need")
	fs.StringVar(&o.region, "region", "", "the bucket's region (default: the AWS configuration's)")
	fs.StringVar(&o.incoming, "incoming-prefix", "incoming/", "where uploads arrive")
	if cmd == "verify" {
		fs.Var(&o.keys, "key", "verify only this object key's receipts (repeatable)")
		fs.StringVar(&o.prefix, "prefix", "", "verify only the receipts of object keys under this prefix, for example incoming/2026/")
		fs.IntVar(&o.concurrency, "concurrency", 4, "receipts verified at once")
		fs.BoolVar(&o.json, "json", false, "one JSON object per line instead of text")
		fs.BoolVar(&o.digests, "digests", false, "check the signed digest chain instead of the receipts")
		fs.StringVar(&o.publicKey, "public-key", "", "with --digests: the signing key's public key, PEM or DER (aws kms get-public-key)")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	switch {
	case o.bucket == "":
		fmt.Fprintf(stderr, "provenance %s: --bucket is required: name the raw bucket, for example --bucket sdp-prod-raw-data (pulumi stack output rawBucketName)\n", cmd)
		return exitUsage
	case cmd == "verify" && o.concurrency < 1:
		fmt.Fprintf(stderr, "provenance verify: --concurrency is %d; use 1 or more\n", o.concurrency)
		return exitUsage
	case o.digests && o.publicKey == "":
		fmt.Fprintln(stderr, "provenance verify: --digests needs --public-key FILE: save it with `aws kms get-public-key --key-id <digestKeyArn> --query PublicKey --output text | base64 -d > digest-key.der`")
		return exitUsage
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "provenance %s: unexpected argument %q; keys go in --key\n", cmd, fs.Arg(0))
		return exitUsage
	}
	client, err := connect(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "provenance %s: %v\n", cmd, err)
		return exitUsage
	}
	v := &verification.Verifier{S3: client, Bucket: o.bucket, IncomingPrefix: o.incoming, Concurrency: o.concurrency}
	if cmd == "backfill" {
		return backfill(ctx, v, client, o, stdout, stderr)
	}
	if o.digests {
		return verifyDigests(ctx, client, o, stdout, stderr)
	}
	return verify(ctx, v, o, stdout, stderr, terminal)
}

// connect builds the client from the standard configuration chain and proves,
// before any work, that there are credentials and the bucket can be reached.
func connect(ctx context.Context, o options) (*s3.Client, error) {
	var loads []func(*config.LoadOptions) error
	if o.region != "" {
		loads = append(loads, config.WithRegion(o.region))
	}
	if o.endpoint != "" {
		loads = append(loads, config.WithBaseEndpoint(o.endpoint))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, fmt.Errorf("reading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // S3 resolves the bucket's own region; signing needs one
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("no AWS credentials: sign in with `aws sso login --profile <profile>` and set AWS_PROFILE (or, for a local server, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): %w", err)
	}
	client := s3.NewFromConfig(cfg, func(s *s3.Options) { s.UsePathStyle = o.pathStyle })
	if _, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(o.bucket)}); err != nil {
		var netErr net.Error
		if errors.As(err, &netErr) {
			where := o.endpoint
			if where == "" {
				where = "AWS S3"
			}
			return nil, fmt.Errorf("cannot reach %s: %w", where, err)
		}
		return nil, fmt.Errorf("bucket %s: %w", o.bucket, err)
	}
	return client, nil
}

func verify(ctx context.Context, v *verification.Verifier, o options, stdout, stderr io.Writer, terminal bool) int {
	receipts, err := v.ReceiptKeysUnder(ctx, o.prefix, o.keys)
	if err != nil {
		fmt.Fprintf(stderr, "provenance verify: %v\n", err)
		return exitUsage
	}
	var progress func(done, total int)
	if terminal {
		progress = func(done, total int) {
			fmt.Fprintf(stderr, "\rverifying receipts %s %d/%d", bar(done, total), done, total)
		}
	}
	results := v.Verify(ctx, receipts, progress)
	if terminal && len(receipts) > 0 {
		fmt.Fprintln(stderr)
	}
	if len(o.keys) == 0 && o.prefix == "" {
		none, err := v.Unreceipted(ctx, receipts)
		if err != nil {
			fmt.Fprintf(stderr, "provenance verify: %v\n", err)
			return exitUsage
		}
		results = append(results, none...)
	}
	problems := 0
	enc := json.NewEncoder(stdout)
	for _, r := range results {
		if r.Status != verification.OK {
			problems++
		}
		if o.json {
			_ = enc.Encode(r)
			continue
		}
		fmt.Fprintf(stdout, "%-15s %s %s %s\n", r.Status, orDash(r.Key), orDash(r.VersionID), orDash(r.Detail))
	}
	fmt.Fprintf(stderr, "%d receipts verified, %d problems\n", len(receipts), problems)
	if problems > 0 {
		return exitProblems
	}
	return exitOK
}

// verifyDigests checks the digest chain offline with the public key.
func verifyDigests(ctx context.Context, client *s3.Client, o options, stdout, stderr io.Writer) int {
	data, err := os.ReadFile(o.publicKey)
	if err != nil {
		fmt.Fprintf(stderr, "provenance verify: reading --public-key: %v\n", err)
		return exitUsage
	}
	public, err := digest.ParsePublicKey(data)
	if err != nil {
		fmt.Fprintf(stderr, "provenance verify: --public-key %s: %v\n", o.publicKey, err)
		return exitUsage
	}
	n, problems := digest.VerifyChain(ctx, client, o.bucket, public)
	for _, p := range problems {
		fmt.Fprintf(stdout, "DIGEST_BROKEN   %v\n", p)
	}
	fmt.Fprintf(stderr, "%d digests verified, %d problems\n", n, len(problems))
	if len(problems) > 0 {
		return exitProblems
	}
	return exitOK
}

func backfill(ctx context.Context, v *verification.Verifier, client *s3.Client, o options, stdout, stderr io.Writer) int {
	r := &recorder.Recorder{S3: client, IncomingPrefix: o.incoming, Function: recorder.Function{Name: "provenance backfill"}}
	written, err := v.Backfill(ctx, r, func(n int) { fmt.Fprintf(stdout, "receipted %d\n", n) })
	fmt.Fprintf(stderr, "%d receipts written\n", written)
	if err != nil {
		fmt.Fprintf(stderr, "provenance backfill: some versions were not recorded (rerun to retry them):\n%v\n", err)
		return exitProblems
	}
	return exitOK
}

func bar(done, total int) string {
	const width = 30
	n := width
	if total > 0 {
		n = done * width / total
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
