package components

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/policydoc"
)

// AuditTrailType is the type token of AuditTrail. It is part of every
// child's URN: changing it replaces the trail and its bucket.
const AuditTrailType = "secure-data-pipeline:audit:AuditTrail"

// Object Lock retention modes. GOVERNANCE can be lifted by principals with
// s3:BypassGovernanceRetention; COMPLIANCE cannot be lifted by anyone, the
// root user included, until the retention ends.
const (
	ObjectLockGovernance = "GOVERNANCE"
	ObjectLockCompliance = "COMPLIANCE"
)

var trailNamePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]{1,126}[a-zA-Z0-9]$`)

// AuditTrailArgs configures an AuditTrail.
type AuditTrailArgs struct {
	DataProtection
	// TrailName is the trail's name; the key and bucket policies name it.
	TrailName string
	// LogBucketName is the globally unique name of the bucket the trail
	// writes to. Nothing else writes there.
	LogBucketName string
	// Account is where the trail and bucket live.
	Account Account
	// KMSKeyARN encrypts the log files and the log bucket. Its policy must
	// let this trail use it (see PipelineKey).
	KMSKeyARN pulumi.StringInput
	// DataEventBucketNames are the buckets whose object-level calls the
	// trail records. The log bucket itself must not be among them.
	DataEventBucketNames []string
	// RecordManagementEvents adds the account's management events (read and
	// write) to the trail. Turn it off when an organization trail already
	// records them: every further copy is billed.
	RecordManagementEvents bool
	// AccessLogBucket is the name of the bucket that receives the log
	// bucket's server access logs, under "<LogBucketName>/".
	AccessLogBucket pulumi.StringInput
	// ObjectLockMode is ObjectLockGovernance or ObjectLockCompliance.
	ObjectLockMode string
	// ObjectLockDays is how long every log file is locked against deletion
	// and overwrite.
	ObjectLockDays int
	// TransitionDays moves log files to Glacier Instant Retrieval after this
	// many days.
	TransitionDays int
	// ExpirationDays deletes log files after this many days; it must not be
	// shorter than ObjectLockDays.
	ExpirationDays int
}

// Validate reports the first missing or out-of-range field and how to fix it.
func (a *AuditTrailArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("audit trail: args are required")
	}
	if !trailNamePattern.MatchString(a.TrailName) {
		return fmt.Errorf("audit trail: TrailName %q must be 3-128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit", a.TrailName)
	}
	if err := validateBucketName("LogBucketName", a.LogBucketName); err != nil {
		return fmt.Errorf("audit trail: %w", err)
	}
	if err := a.Account.Validate(); err != nil {
		return fmt.Errorf("audit trail: %w", err)
	}
	if len(a.DataEventBucketNames) == 0 {
		return fmt.Errorf("audit trail: DataEventBucketNames is empty; name the buckets whose object-level calls the trail records")
	}
	for _, b := range a.DataEventBucketNames {
		if b == a.LogBucketName {
			return fmt.Errorf("audit trail: DataEventBucketNames includes the log bucket %q; the trail would log its own deliveries forever", b)
		}
		if err := validateBucketName("DataEventBucketNames", b); err != nil {
			return fmt.Errorf("audit trail: %w", err)
		}
	}
	switch {
	case a.KMSKeyARN == nil:
		return fmt.Errorf("audit trail: KMSKeyARN is required; pass the ARN of the pipeline key")
	case a.AccessLogBucket == nil:
		return fmt.Errorf("audit trail: AccessLogBucket is required; pass the name of the server-access-log bucket")
	case a.ObjectLockMode != ObjectLockGovernance && a.ObjectLockMode != ObjectLockCompliance:
		return fmt.Errorf("audit trail: ObjectLockMode %q is not a lock mode; use %s or %s", a.ObjectLockMode, ObjectLockGovernance, ObjectLockCompliance)
	case a.ObjectLockDays < 1:
		return fmt.Errorf("audit trail: ObjectLockDays is %d; set it to 1 or more", a.ObjectLockDays)
	case a.TransitionDays < 1:
		return fmt.Errorf("audit trail: TransitionDays is %d; set it to 1 or more", a.TransitionDays)
	case a.ExpirationDays <= a.TransitionDays:
		return fmt.Errorf("audit trail: ExpirationDays (%d) must be greater than TransitionDays (%d)", a.ExpirationDays, a.TransitionDays)
	case a.ExpirationDays < a.ObjectLockDays:
		return fmt.Errorf("audit trail: ExpirationDays (%d) is shorter than ObjectLockDays (%d); locked logs can't expire before their lock ends", a.ExpirationDays, a.ObjectLockDays)
	}
	return a.validate("audit trail")
}

// AuditTrail is a CloudTrail trail that records the object-level calls on the
// pipeline's buckets, and the dedicated, locked bucket it writes to.
type AuditTrail struct {
	pulumi.ResourceState

	// LogBucket is the bucket the trail writes to.
	LogBucket *s3.BucketV2
	// Trail is the CloudTrail trail.
	Trail *cloudtrail.Trail
	// LogBucketName is the log bucket's name.
	LogBucketName pulumi.StringOutput `pulumi:"logBucketName"`
	// TrailARN is the trail's ARN.
	TrailARN pulumi.StringOutput `pulumi:"trailArn"`
	// TrailName is the trail's name.
	TrailName pulumi.StringOutput `pulumi:"trailName"`
}

// NewAuditTrail creates the log bucket, its hardening and the trail.
func NewAuditTrail(ctx *pulumi.Context, name string, args *AuditTrailArgs, opts ...pulumi.ResourceOption) (*AuditTrail, error) {
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &AuditTrail{}
	if err := ctx.RegisterComponentResource(AuditTrailType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	logBucket := name + "-log"
	bucket, ready, err := newHardenedBucket(ctx, logBucket, bucketSpec{
		BucketName:      args.LogBucketName,
		KMSKeyARN:       args.KMSKeyARN,
		AccessLogBucket: args.AccessLogBucket,
		ObjectLock:      true,
		DataProtection:  args.DataProtection,
	}, c)
	if err != nil {
		return nil, err
	}
	c.LogBucket = bucket

	lock, err := s3.NewBucketObjectLockConfigurationV2(ctx, logBucket+"-object-lock", &s3.BucketObjectLockConfigurationV2Args{
		Bucket: bucket.ID(),
		Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
			DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
				Mode: pulumi.String(args.ObjectLockMode),
				Days: pulumi.Int(args.ObjectLockDays),
			},
		},
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return nil, err
	}
	ready = append(ready, lock)

	trailARN := args.Account.TrailARN(args.TrailName)
	policy, err := logBucketPolicy(args.Account, args.LogBucketName, trailARN).JSON()
	if err != nil {
		return nil, err
	}
	bucketPolicy, err := s3.NewBucketPolicy(ctx, logBucket+"-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: pulumi.String(policy),
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return nil, err
	}
	ready = append(ready, bucketPolicy)

	lifecycle, err := s3.NewBucketLifecycleConfigurationV2(ctx, logBucket+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			abortIncompleteUploads(args.AbortIncompleteMultipartUploadDays),
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:     pulumi.String("archive-then-expire-logs"),
				Status: pulumi.String("Enabled"),
				Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				Transitions: s3.BucketLifecycleConfigurationV2RuleTransitionArray{
					&s3.BucketLifecycleConfigurationV2RuleTransitionArgs{
						Days:         pulumi.Int(args.TransitionDays),
						StorageClass: pulumi.String("GLACIER_IR"),
					},
				},
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
	ready = append(ready, lifecycle)

	var selectors cloudtrail.TrailAdvancedEventSelectorArray
	if args.RecordManagementEvents {
		selectors = append(selectors, &cloudtrail.TrailAdvancedEventSelectorArgs{
			Name: pulumi.String("Management events"),
			FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.StringArray{pulumi.String("Management")}},
			},
		})
	}
	var objectPrefixes pulumi.StringArray
	for _, b := range args.DataEventBucketNames {
		objectPrefixes = append(objectPrefixes, pulumi.String(args.Account.BucketARN(b)+"/"))
	}
	selectors = append(selectors, &cloudtrail.TrailAdvancedEventSelectorArgs{
		Name: pulumi.String("S3 object events of the pipeline buckets"),
		FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
			&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.StringArray{pulumi.String("Data")}},
			&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.type"), Equals: pulumi.StringArray{pulumi.String("AWS::S3::Object")}},
			&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.ARN"), StartsWiths: objectPrefixes},
		},
	})

	trail, err := cloudtrail.NewTrail(ctx, name+"-trail", &cloudtrail.TrailArgs{
		Name:                       pulumi.String(args.TrailName),
		S3BucketName:               bucket.ID(),
		KmsKeyId:                   args.KMSKeyARN,
		EnableLogging:              pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		AdvancedEventSelectors:     selectors,
		Tags:                       pulumi.ToStringMap(args.Tags),
	}, parent, pulumi.DependsOn(ready))
	if err != nil {
		return nil, err
	}
	c.Trail = trail

	c.LogBucketName = bucket.Bucket
	c.TrailARN = trail.Arn
	c.TrailName = trail.Name
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"logBucketName": c.LogBucketName,
		"trailArn":      c.TrailARN,
		"trailName":     c.TrailName,
	})
}

// logBucketPolicy is TLS-only and lets CloudTrail deliver, on behalf of this
// trail only, into this account's AWSLogs/ folder.
func logBucketPolicy(account Account, bucket, trailARN string) policydoc.Document {
	bucketARN := account.BucketARN(bucket)
	cloudtrailService := policydoc.Service("cloudtrail.amazonaws.com")
	return policydoc.New(append(denyInsecureTransport(bucketARN),
		policydoc.Statement{
			Sid:       "AllowCloudTrailAclCheckForThisTrail",
			Effect:    policydoc.Allow,
			Principal: cloudtrailService,
			Action:    []string{"s3:GetBucketAcl"},
			Resource:  []string{bucketARN},
			Condition: policydoc.Conditions{"StringEquals": {"aws:SourceArn": {trailARN}}},
		},
		policydoc.Statement{
			Sid:       "AllowCloudTrailDeliveryForThisTrail",
			Effect:    policydoc.Allow,
			Principal: cloudtrailService,
			Action:    []string{"s3:PutObject"},
			Resource:  []string{fmt.Sprintf("%s/AWSLogs/%s/*", bucketARN, account.ID)},
			Condition: policydoc.Conditions{"StringEquals": {
				"aws:SourceArn": {trailARN},
				"s3:x-amz-acl":  {"bucket-owner-full-control"},
			}},
		},
	)...)
}
