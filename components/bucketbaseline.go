package components

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/policydoc"
)

// bucketSpec describes a bucket of the pipeline. Every bucket gets the same
// hardening, whatever it holds: no public access, no ACLs, versioning,
// default encryption and, unless it is the access-log target itself, server
// access logging.
type bucketSpec struct {
	// BucketName is the globally unique S3 bucket name.
	BucketName string
	// KMSKeyARN selects SSE-KMS with an S3 Bucket Key. Nil selects SSE-S3,
	// the only default encryption a server-access-log target may use.
	KMSKeyARN pulumi.StringInput
	// AccessLogBucket receives this bucket's server access logs under
	// "<BucketName>/". Nil for the access-log bucket itself.
	AccessLogBucket pulumi.StringInput
	// ObjectLock enables Object Lock, which S3 allows only at creation.
	ObjectLock bool
	// DataProtection gives the bucket's force-destroy, protect and tags.
	DataProtection
}

// newHardenedBucket creates the bucket "<name>-bucket" and its baseline
// resources "<name>-...", each a child of parent. It returns the bucket and
// the baseline resources, so that callers can wait for the bucket to be fully
// configured.
func newHardenedBucket(ctx *pulumi.Context, name string, b bucketSpec, parent pulumi.Resource) (*s3.BucketV2, []pulumi.Resource, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(parent)}
	bucketArgs := &s3.BucketV2Args{
		Bucket:       pulumi.String(b.BucketName),
		ForceDestroy: pulumi.Bool(b.ForceDestroy),
		Tags:         pulumi.ToStringMap(b.Tags),
	}
	if b.ObjectLock {
		bucketArgs.ObjectLockEnabled = pulumi.Bool(true)
	}
	bucket, err := s3.NewBucketV2(ctx, name+"-bucket", bucketArgs, append(opts, pulumi.Protect(b.Protect))...)
	if err != nil {
		return nil, nil, err
	}
	created, err := hardenBucket(ctx, name, bucket, b, opts)
	if err != nil {
		return nil, nil, err
	}
	return bucket, created, nil
}

func hardenBucket(ctx *pulumi.Context, name string, bucket *s3.BucketV2, b bucketSpec, opts []pulumi.ResourceOption) ([]pulumi.Resource, error) {
	var created []pulumi.Resource

	pab, err := s3.NewBucketPublicAccessBlock(ctx, name+"-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, err
	}
	created = append(created, pab)

	ownership, err := s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule: &s3.BucketOwnershipControlsRuleArgs{
			ObjectOwnership: pulumi.String("BucketOwnerEnforced"),
		},
	}, opts...)
	if err != nil {
		return nil, err
	}
	created = append(created, ownership)

	versioning, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
		Bucket: bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{
			Status: pulumi.String("Enabled"),
		},
	}, opts...)
	if err != nil {
		return nil, err
	}
	created = append(created, versioning)

	byDefault := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("AES256"),
	}
	rule := &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{ApplyServerSideEncryptionByDefault: byDefault}
	if b.KMSKeyARN != nil {
		byDefault.SseAlgorithm = pulumi.String("aws:kms")
		byDefault.KmsMasterKeyId = b.KMSKeyARN
		rule.BucketKeyEnabled = pulumi.Bool(true)
	}
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{rule},
	}, opts...)
	if err != nil {
		return nil, err
	}
	created = append(created, sse)

	if b.AccessLogBucket != nil {
		logging, err := s3.NewBucketLoggingV2(ctx, name+"-access-logging", &s3.BucketLoggingV2Args{
			Bucket:       bucket.ID(),
			TargetBucket: b.AccessLogBucket,
			TargetPrefix: pulumi.String(b.BucketName + "/"),
			// Date-partitioned keys let Athena prune access logs by day.
			TargetObjectKeyFormat: &s3.BucketLoggingV2TargetObjectKeyFormatArgs{
				PartitionedPrefix: &s3.BucketLoggingV2TargetObjectKeyFormatPartitionedPrefixArgs{
					PartitionDateSource: pulumi.String("EventTime"),
				},
			},
		}, opts...)
		if err != nil {
			return nil, err
		}
		created = append(created, logging)
	}
	return created, nil
}

// denyInsecureTransport refuses every request to the bucket and its objects
// that is not made over TLS 1.2 or later.
func denyInsecureTransport(bucketARN string) []policydoc.Statement {
	resources := []string{bucketARN, bucketARN + "/*"}
	return []policydoc.Statement{{
		Sid:       "DenyInsecureTransport",
		Effect:    policydoc.Deny,
		Principal: policydoc.Anyone(),
		Action:    []string{"s3:*"},
		Resource:  resources,
		Condition: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
	}, {
		Sid:       "DenyOutdatedTLS",
		Effect:    policydoc.Deny,
		Principal: policydoc.Anyone(),
		Action:    []string{"s3:*"},
		Resource:  resources,
		Condition: policydoc.Conditions{"NumericLessThan": {"s3:TlsVersion": {"1.2"}}},
	}}
}

// abortIncompleteUploads is the lifecycle rule every bucket has: parts of
// abandoned multipart uploads are billed and invisible, so they are removed.
func abortIncompleteUploads(days int) *s3.BucketLifecycleConfigurationV2RuleArgs {
	return &s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String("abort-incomplete-multipart-uploads"),
		Status: pulumi.String("Enabled"),
		Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(days),
		},
	}
}
