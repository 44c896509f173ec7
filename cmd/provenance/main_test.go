package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/caa304/secure-data-pipeline/functions/provenance/digest"
	"github.com/caa304/secure-data-pipeline/tests/s3test"
)

const bucket = "sdp-cli-raw-data"

// server starts gofakes3 with a versioned bucket holding two uploads, and
// points the AWS configuration of this test at it.
func server(t *testing.T) string {
	t.Helper()
	endpoint := s3test.Fake(t, s3mem.New())
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testtest")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	c := s3test.Client(t, endpoint, "test", "testtest")
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"incoming/a.csv", "incoming/b.csv"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: strings.NewReader("data of " + k)}); err != nil {
			t.Fatal(err)
		}
	}
	return endpoint
}

func cli(args ...string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	code = run(context.Background(), args, &out, &errs, false)
	return code, out.String(), errs.String()
}

func TestVerifyBeforeAndAfterBackfill(t *testing.T) {
	endpoint := server(t)
	common := []string{"--bucket", bucket, "--endpoint", endpoint, "--path-style"}

	code, out, _ := cli(append([]string{"verify"}, common...)...)
	if code != exitProblems || strings.Count(out, "NO_RECEIPT ") != 2 {
		t.Fatalf("verify before backfill: exit %d\n%s\nwant exit 1 and two NO_RECEIPT lines", code, out)
	}
	if code, out, errs := cli(append([]string{"backfill"}, common...)...); code != exitOK || !strings.Contains(errs, "2 receipts written") {
		t.Fatalf("backfill: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = cli(append([]string{"verify", "--json", "--concurrency", "2"}, common...)...)
	if code != exitOK {
		t.Fatalf("verify after backfill: exit %d\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		var r struct{ Status, Key string }
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Status != "OK" {
			t.Errorf("line %q: %+v %v, want an OK JSON object", l, r, err)
		}
	}
	if len(lines) != 2 {
		t.Errorf("%d result lines, want 2", len(lines))
	}
}

func TestBadInvocationsSayWhatToChange(t *testing.T) {
	endpoint := server(t)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "usage:"},
		{"an unknown command", []string{"check"}, "usage:"},
		{"no bucket", []string{"verify"}, "--bucket is required"},
		{"no workers", []string{"verify", "--bucket", bucket, "--concurrency", "0"}, "--concurrency is 0"},
		{"an unknown flag", []string{"verify", "--bucket", bucket, "--fast"}, "flag provided but not defined: -fast"},
		{"a stray argument", []string{"verify", "--bucket", bucket, "incoming/a.csv"}, "keys go in --key"},
		{"a bucket that does not exist", []string{"verify", "--bucket", "no-such-bucket", "--endpoint", endpoint, "--path-style"}, "bucket no-such-bucket"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := cli(c.args...)
			if code != exitUsage || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errs, c.want)
			}
		})
	}
}

func TestAnUnreachableEndpointIsNamed(t *testing.T) {
	server(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	_ = l.Close()
	code, _, errs := cli("verify", "--bucket", bucket, "--endpoint", closed, "--path-style")
	if code != exitUsage || !strings.Contains(errs, "cannot reach "+closed) {
		t.Errorf("exit %d, stderr %q; want exit 2 naming %s", code, errs, closed)
	}
}

func TestMissingCredentialsSayHowToSignIn(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	code, _, errs := cli("verify", "--bucket", bucket, "--region", "us-east-1")
	if code != exitUsage || !strings.Contains(errs, "aws sso login") {
		t.Errorf("exit %d, stderr %q; want exit 2 and how to sign in", code, errs)
	}
}

func TestVerifyDigestsChecksTheSignedChainOffline(t *testing.T) {
	endpoint := server(t)
	c := s3test.Client(t, endpoint, "test", "testtest")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	signer := digest.LocalSigner{Private: key, ID: "test"}
	if _, err := digest.Write(context.Background(), c, signer, bucket, time.Now()); err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pub := filepath.Join(t.TempDir(), "digest-key.der")
	if err := os.WriteFile(pub, der, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"verify", "--bucket", bucket, "--endpoint", endpoint, "--path-style", "--digests", "--public-key", pub}
	if code, out, errs := cli(args...); code != exitOK {
		t.Fatalf("intact chain: exit %d\n%s%s", code, out, errs)
	}
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(digest.KeyFor(time.Now())), Body: strings.NewReader("{}")}); err != nil {
		t.Fatal(err)
	}
	code, out, _ := cli(args...)
	if code != exitProblems || !strings.Contains(out, "DIGEST_BROKEN") || !strings.Contains(out, digest.KeyFor(time.Now())) {
		t.Errorf("tampered chain: exit %d\n%s\nwant exit 1 naming the digest", code, out)
	}
	if code, _, errs := cli("verify", "--bucket", bucket, "--digests"); code != exitUsage || !strings.Contains(errs, "--public-key") {
		t.Errorf("no key: exit %d %q", code, errs)
	}
}

func TestVerifyAPrefixChecksOnlyItsReceipts(t *testing.T) {
	endpoint := server(t)
	common := []string{"--bucket", bucket, "--endpoint", endpoint, "--path-style"}
	if code, out, errs := cli(append([]string{"backfill"}, common...)...); code != exitOK {
		t.Fatalf("backfill: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ := cli(append([]string{"verify", "--prefix", "incoming/a"}, common...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(lines) != 1 || !strings.HasPrefix(lines[0], "OK ") || !strings.Contains(lines[0], "incoming/a.csv") {
		t.Errorf("verify --prefix incoming/a: exit %d\n%s\nwant one OK line for incoming/a.csv", code, out)
	}
}

func TestATerminalGetsAProgressBarAndAPipePlainLines(t *testing.T) {
	endpoint := server(t)
	args := []string{"verify", "--bucket", bucket, "--endpoint", endpoint, "--path-style"}
	if code, _, _ := cli(append([]string{"backfill"}, args[1:]...)...); code != exitOK {
		t.Fatal("backfill failed")
	}
	var out, errs bytes.Buffer
	if code := run(context.Background(), args, &out, &errs, true); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.Contains(errs.String(), "\rverifying receipts ["+strings.Repeat("#", 30)+"] 2/2") {
		t.Errorf("terminal stderr %q has no finished progress bar", errs.String())
	}
	_, _, plain := cli(args...)
	if strings.Contains(plain, "\r") {
		t.Errorf("piped stderr %q has terminal control characters", plain)
	}
}
