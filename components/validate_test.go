package components

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Every component can be used on its own, so each validates its own args
// and names the field to change.
func TestComponentArgsNameTheFieldToFix(t *testing.T) {
	account := Account{Partition: "aws", Region: "eu-west-1", ID: "111122223333"}
	key := pulumi.String("arn:aws:kms:eu-west-1:111122223333:key/k")
	protection := DataProtection{NoncurrentVersionExpirationDays: 90, AbortIncompleteMultipartUploadDays: 7}
	archive := pulumi.NewFileArchive("bootstrap.zip")
	raw := func() *RawBucketArgs {
		return &RawBucketArgs{DataProtection: protection, BucketName: "raw-data", Account: account, KMSKeyARN: key, AccessLogBucket: pulumi.String("logs")}
	}
	trail := func() *AuditTrailArgs {
		return &AuditTrailArgs{DataProtection: protection, TrailName: "trail", LogBucketName: "trail-logs", Account: account, KMSKeyARN: key,
			DataEventBucketNames: []string{"raw-data"}, AccessLogBucket: pulumi.String("logs"), ObjectLockMode: ObjectLockGovernance,
			ObjectLockDays: 1, TransitionDays: 30, ExpirationDays: 60}
	}
	fn := func() *ProvenanceFunctionArgs {
		return &ProvenanceFunctionArgs{FunctionName: "fn", Account: account, RawBucketName: "raw-data", RawBucketID: pulumi.String("raw-data"),
			IncomingPrefix: "incoming/", KMSKeyARN: key, Code: archive, MemoryMB: 512, TimeoutSeconds: 60, ReservedConcurrency: -1,
			MaxConcurrency: 2, BatchSize: 10, MaxReceiveCount: 5, LogRetentionDays: 365}
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"a valid raw bucket", raw().Validate(), ""},
		{"a raw bucket with a bad name", func() error { a := raw(); a.BucketName = "Raw"; return a.Validate() }(), "BucketName"},
		{"a raw bucket without a key", func() error { a := raw(); a.KMSKeyARN = nil; return a.Validate() }(), "KMSKeyARN"},
		{"a raw bucket with a prefix that is no folder", func() error { a := raw(); a.Prefixes = []string{"incoming"}; return a.Validate() }(), `prefix "incoming"`},
		{"a raw bucket keeping versions zero days", func() error { a := raw(); a.NoncurrentVersionExpirationDays = 0; return a.Validate() }(), "NoncurrentVersionExpirationDays"},
		{"a valid trail", trail().Validate(), ""},
		{"a trail that records its own bucket", func() error {
			a := trail()
			a.DataEventBucketNames = []string{"trail-logs"}
			return a.Validate()
		}(), "includes the log bucket"},
		{"a trail with an unknown lock mode", func() error { a := trail(); a.ObjectLockMode = "strict"; return a.Validate() }(), "ObjectLockMode"},
		{"a trail whose logs expire while locked", func() error { a := trail(); a.ObjectLockDays = 90; return a.Validate() }(), "ExpirationDays"},
		{"a key with a reserved alias", (&PipelineKeyArgs{Alias: "alias/aws/s3", Description: "pipeline key", Account: account, TrailName: "t", DeletionWindowDays: 30}).Validate(), "Alias"},
		{"a key with a short window", (&PipelineKeyArgs{Alias: "alias/k", Description: "pipeline key", Account: account, TrailName: "t", DeletionWindowDays: 3}).Validate(), "DeletionWindowDays"},
		{"a valid function", fn().Validate(), ""},
		{"a function that would loop on its receipts", func() error { a := fn(); a.IncomingPrefix = "provenance/in/"; return a.Validate() }(), "IncomingPrefix"},
		{"a function with an odd log retention", func() error { a := fn(); a.LogRetentionDays = 100; return a.Validate() }(), "LogRetentionDays"},
		{"a function with a lock mode but no days", func() error { a := fn(); a.ReceiptLockMode = ObjectLockCompliance; return a.Validate() }(), "ReceiptLockDays"},
		{"an account without a region", Account{Partition: "aws", ID: "111122223333"}.Validate(), "aws:region"},
		{"a verifier on a bad schedule", (&ReceiptVerifierArgs{FunctionName: "v", Account: account, RawBucketName: "raw-data", KMSKeyARN: key,
			Code: archive, Schedule: "daily", SamplePercent: 100, DigestKeyAlias: "alias/d", DeletionWindowDays: 30}).Validate(), "Schedule"},
	} {
		t.Run(c.name, func(t *testing.T) {
			switch {
			case c.want == "" && c.err != nil:
				t.Fatalf("Validate() = %v, want nil", c.err)
			case c.want != "" && (c.err == nil || !strings.Contains(c.err.Error(), c.want)):
				t.Fatalf("Validate() = %v, want an error naming %q", c.err, c.want)
			}
		})
	}
}
