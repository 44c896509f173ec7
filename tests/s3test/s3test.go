// Package s3test gives tests an S3 server and a client for it: gofakes3 in
// the test process, or the server SDP_S3_ENDPOINT names (versitygw in CI).
// Tests that must build their client exactly as production does (the
// provenance handler's) build it themselves.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
)

// Fake starts gofakes3 (with the given options, an in-memory backend by
// default) for the life of the test and returns its URL.
func Fake(t testing.TB, backend gofakes3.Backend, opts ...gofakes3.Option) string {
	t.Helper()
	// Plain HTTP only: over TLS gofakes3 would store the SDK's aws-chunked
	// framing as object data.
	srv := httptest.NewServer(gofakes3.New(backend, opts...).Server())
	t.Cleanup(srv.Close)
	return srv.URL
}

// Client is a path-style client for endpoint with static credentials.
func Client(t testing.TB, endpoint, access, secret string) *s3.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithBaseEndpoint(endpoint),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(access, secret, "")))
	if err != nil {
		t.Fatal(err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// Bucket creates a bucket named prefix plus a random suffix (servers outlive
// tests), versioned if asked, and returns its name.
func Bucket(t testing.TB, c *s3.Client, prefix string, versioned bool) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := prefix + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if versioned {
		if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
			t.Fatal(err)
		}
	}
	return name
}
