package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/policydoc"
)

// AccessLogBucketType is the type token of AccessLogBucket. It is part of
// every child's URN: changing it replaces the bucket.
const AccessLogBucketType = "secure-data-pipeline:storage:AccessLogBucket"

// AccessLogBucketArgs configures an AccessLogBucket.
type AccessLogBucketArgs struct {
	DataProtection
	// BucketName is the globally unique S3 bucket name.
	BucketName string
	// Account is where the bucket lives; only its buckets may deliver logs.
	Account Account
	// SourceBuckets are the names of the buckets whose server access logs
	// this bucket receives, each under "<name>/".
	SourceBuckets []string
	// ExpirationDays is how long access logs are kept.
	ExpirationDays int
}

// Validate reports the first missing or out-of-range field and how to fix it.
func (a *AccessLogBucketArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("access-log bucket: args are required")
	}
	if err := validateBucketName("BucketName", a.BucketName); err != nil {
		return fmt.Errorf("access-log bucket: %w", err)
	}
	if err := a.Account.Validate(); err != nil {
		return fmt.Errorf("access-log bucket: %w", err)
	}
	if len(a.SourceBuckets) == 0 {
		return fmt.Errorf("access-log bucket: SourceBuckets is empty; name the buckets whose access logs it receives")
	}
	for _, b := range a.SourceBuckets {
		if err := validateBucketName("SourceBuckets", b); err != nil {
			return fmt.Errorf("access-log bucket: %w", err)
		}
	}
	if a.ExpirationDays < 1 {
		return fmt.Errorf("access-log bucket: ExpirationDays is %d; set it to 1 or more", a.ExpirationDays)
	}
	return a.validate("access-log bucket")
}

// AccessLogBucket receives the S3 server access logs of the pipeline's
// buckets. S3 delivers access logs only to a bucket whose default encryption
// is SSE-S3 and that has no Object Lock default retention, so this is a
// third bucket rather than the KMS-encrypted, locked CloudTrail log bucket.
type AccessLogBucket struct {
	pulumi.ResourceState

	// Bucket is the S3 bucket itself.
	Bucket *s3.BucketV2
	// BucketName is the bucket's name, known once its policy lets S3 deliver.
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
}

// NewAccessLogBucket creates the access-log bucket and its hardening.
func NewAccessLogBucket(ctx *pulumi.Context, name string, args *AccessLogBucketArgs, opts ...pulumi.ResourceOption) (*AccessLogBucket, error) {
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &AccessLogBucket{}
	if err := ctx.RegisterComponentResource(AccessLogBucketType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	bucket, ready, err := newHardenedBucket(ctx, name, bucketSpec{
		BucketName:     args.BucketName,
		DataProtection: args.DataProtection,
	}, c)
	if err != nil {
		return nil, err
	}
	c.Bucket = bucket

	policy, err := accessLogBucketPolicy(args.Account, args.BucketName, args.SourceBuckets).JSON()
	if err != nil {
		return nil, err
	}
	bucketPolicy, err := s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: pulumi.String(policy),
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return nil, err
	}

	_, err = s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			abortIncompleteUploads(args.AbortIncompleteMultipartUploadDays),
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("expire-access-logs"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{
					Days: pulumi.Int(args.ExpirationDays),
				},
				NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
					NoncurrentDays: pulumi.Int(args.NoncurrentVersionExpirationDays),
				},
			},
		},
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return nil, err
	}

	// The name carries a dependency on the policy: a bucket that names this
	// one as its logging target must not be configured before S3 may deliver.
	c.BucketName = pulumi.All(bucket.Bucket, bucketPolicy.ID()).ApplyT(func(v []any) string {
		return v[0].(string)
	}).(pulumi.StringOutput)
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"bucketName": c.BucketName})
}

// accessLogBucketPolicy is TLS-only and lets the S3 logging service write
// only the logs of the named buckets of this account, each under its own
// prefix.
func accessLogBucketPolicy(account Account, bucket string, sources []string) policydoc.Document {
	bucketARN := account.BucketARN(bucket)
	var prefixes, sourceARNs []string
	for _, s := range sources {
		prefixes = append(prefixes, bucketARN+"/"+s+"/*")
		sourceARNs = append(sourceARNs, account.BucketARN(s))
	}
	return policydoc.New(append(denyInsecureTransport(bucketARN), policydoc.Statement{
		Sid:       "AllowS3ServerAccessLogDelivery",
		Effect:    policydoc.Allow,
		Principal: policydoc.Service("logging.s3.amazonaws.com"),
		Action:    []string{"s3:PutObject"},
		Resource:  prefixes,
		Condition: policydoc.Conditions{
			"ArnEquals":    {"aws:SourceArn": sourceARNs},
			"StringEquals": {"aws:SourceAccount": {account.ID}},
		},
	})...)
}
