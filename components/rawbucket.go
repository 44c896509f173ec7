package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/policydoc"
)

// RawBucketType is the type token of RawBucket. It is part of every child's
// URN: changing it replaces the bucket.
const RawBucketType = "secure-data-pipeline:storage:RawBucket"

// RawBucketArgs configures a RawBucket. Every field is required unless it
// says otherwise; SecurePipelineArgs fills them from its defaults.
type RawBucketArgs struct {
	DataProtection
	// BucketName is the globally unique S3 bucket name.
	BucketName string
	// Account is where the bucket lives; its ARNs are built from it.
	Account Account
	// KMSKeyARN is the customer-managed key every object must be encrypted
	// with. Uploads that ask for another key or algorithm are denied.
	KMSKeyARN pulumi.StringInput
	// AccessLogBucket is the name of the bucket that receives this bucket's
	// server access logs, under "<BucketName>/".
	AccessLogBucket pulumi.StringInput
	// Prefixes are created as empty folder objects, as the runbook does, so
	// that consoles and ETL tools show the layout before the first upload.
	Prefixes []string
	// ObjectLock enables S3 Object Lock on the bucket without a default
	// retention, so that writers (the provenance function) can lock what
	// they write. Optional.
	ObjectLock bool
}

// Validate reports the first missing or out-of-range field and how to fix it.
func (a *RawBucketArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("raw bucket: args are required")
	}
	if err := validateBucketName("BucketName", a.BucketName); err != nil {
		return fmt.Errorf("raw bucket: %w", err)
	}
	if err := a.Account.Validate(); err != nil {
		return fmt.Errorf("raw bucket: %w", err)
	}
	switch {
	case a.KMSKeyARN == nil:
		return fmt.Errorf("raw bucket: KMSKeyARN is required; pass the ARN of the pipeline key")
	case a.AccessLogBucket == nil:
		return fmt.Errorf("raw bucket: AccessLogBucket is required; pass the name of the server-access-log bucket")
	}
	if err := a.validate("raw bucket"); err != nil {
		return err
	}
	for _, p := range a.Prefixes {
		if len(p) < 2 || p[len(p)-1] != '/' || p[0] == '/' {
			return fmt.Errorf("raw bucket: prefix %q must be a folder name ending in \"/\", for example \"incoming/\"", p)
		}
	}
	return nil
}

// RawBucket is the bucket files arrive in: versioned, encrypted with the
// pipeline key, private, TLS-only, with its access logged.
type RawBucket struct {
	pulumi.ResourceState

	// Bucket is the S3 bucket itself.
	Bucket *s3.BucketV2
	// BucketName is the bucket's name.
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	// BucketARN is the bucket's ARN.
	BucketARN pulumi.StringOutput `pulumi:"bucketArn"`
}

// NewRawBucket creates the raw-data bucket and its hardening.
func NewRawBucket(ctx *pulumi.Context, name string, args *RawBucketArgs, opts ...pulumi.ResourceOption) (*RawBucket, error) {
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &RawBucket{}
	if err := ctx.RegisterComponentResource(RawBucketType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	bucket, ready, err := newHardenedBucket(ctx, name, bucketSpec{
		BucketName:      args.BucketName,
		KMSKeyARN:       args.KMSKeyARN,
		AccessLogBucket: args.AccessLogBucket,
		DataProtection:  args.DataProtection,
	}, c)
	if err != nil {
		return nil, err
	}
	c.Bucket = bucket

	if args.ObjectLock {
		// Enabled on the existing, versioned bucket: a bucket created
		// before this setting is not replaced.
		lock, err := s3.NewBucketObjectLockConfigurationV2(ctx, name+"-object-lock", &s3.BucketObjectLockConfigurationV2Args{
			Bucket:            bucket.ID(),
			ObjectLockEnabled: pulumi.String("Enabled"),
		}, parent, pulumi.DependsOn(ready))
		if err != nil {
			return nil, err
		}
		ready = append(ready, lock)
	}

	bucketARN := args.Account.BucketARN(args.BucketName)
	policy, err := s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: args.KMSKeyARN.ToStringOutput().ApplyT(func(keyARN string) (string, error) {
			return rawBucketPolicy(bucketARN, keyARN).JSON()
		}).(pulumi.StringOutput),
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return nil, err
	}
	ready = append(ready, policy)

	lifecycle, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			abortIncompleteUploads(args.AbortIncompleteMultipartUploadDays),
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("expire-noncurrent-versions"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
					NoncurrentDays: pulumi.Int(args.NoncurrentVersionExpirationDays),
				},
				// A delete marker with no versions left behind it only
				// clutters listings.
				Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{
					ExpiredObjectDeleteMarker: pulumi.Bool(true),
				},
			},
		},
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return nil, err
	}
	ready = append(ready, lifecycle)

	for _, prefix := range args.Prefixes {
		folder, err := s3.NewBucketObjectv2(ctx, name+"-folder-"+prefix[:len(prefix)-1], &s3.BucketObjectv2Args{
			Bucket:  bucket.ID(),
			Key:     pulumi.String(prefix),
			Content: pulumi.String(""),
			// Named explicitly so the object satisfies the bucket policy even
			// if it is written before default encryption takes effect.
			ServerSideEncryption: pulumi.String("aws:kms"),
			KmsKeyId:             args.KMSKeyARN,
		}, parent, pulumi.DependsOn(ready))
		if err != nil {
			return nil, err
		}
		ready = append(ready, folder)
	}

	c.BucketName = bucket.Bucket
	c.BucketARN = bucket.Arn
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"bucketName": c.BucketName,
		"bucketArn":  c.BucketARN,
	})
}

// rawBucketPolicy is TLS-only and accepts only uploads encrypted with the
// pipeline key. The encryption conditions use ...IfExists so that writers
// relying on the bucket's default encryption are not refused.
func rawBucketPolicy(bucketARN, keyARN string) policydoc.Document {
	objects := []string{bucketARN + "/*"}
	statements := denyInsecureTransport(bucketARN)
	return policydoc.New(append(statements,
		policydoc.Statement{
			Sid:       "DenyUploadsWithAnotherEncryption",
			Effect:    policydoc.Deny,
			Principal: policydoc.Anyone(),
			Action:    []string{"s3:PutObject"},
			Resource:  objects,
			Condition: policydoc.Conditions{"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": {"aws:kms"}}},
		},
		policydoc.Statement{
			Sid:       "DenyUploadsWithAnotherKey",
			Effect:    policydoc.Deny,
			Principal: policydoc.Anyone(),
			Action:    []string{"s3:PutObject"},
			Resource:  objects,
			Condition: policydoc.Conditions{"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": {keyARN}}},
		},
		policydoc.Statement{
			Sid:       "DenyCustomerProvidedKeys",
			Effect:    policydoc.Deny,
			Principal: policydoc.Anyone(),
			Action:    []string{"s3:PutObject"},
			Resource:  objects,
			Condition: policydoc.Conditions{"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": {"false"}}},
		},
	)...)
}
