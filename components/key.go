package components

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/policydoc"
)

// PipelineKeyType is the type token of PipelineKey. It is part of every
// child's URN: changing it replaces the key.
const PipelineKeyType = "secure-data-pipeline:kms:PipelineKey"

var aliasPattern = regexp.MustCompile(`^alias/[a-zA-Z0-9/_-]{1,250}$`)

// PipelineKeyArgs configures a PipelineKey.
type PipelineKeyArgs struct {
	// Alias is the key's alias, "alias/<name>".
	Alias string
	// Description says what the key protects.
	Description string
	// Account owns the key; its root principal administers it.
	Account Account
	// TrailName is the CloudTrail trail allowed to encrypt its logs with the
	// key. The trail need not exist yet: its ARN is built from Account.
	TrailName string
	// NotifyingBuckets are the names of buckets whose event notifications S3
	// may encrypt with the key, to deliver them to an encrypted SQS queue.
	// Optional.
	NotifyingBuckets []string
	// LogGroups are names of CloudWatch Logs log groups whose log events may
	// be encrypted with the key. Optional.
	LogGroups []string
	// DeletionWindowDays is how long a key scheduled for deletion can still
	// be recovered, 7 to 30.
	DeletionWindowDays int
	// Protect makes Pulumi refuse to delete the key. Optional.
	Protect bool
	// Tags are added to the key. Optional.
	Tags map[string]string
}

// Validate reports the first missing or out-of-range field and how to fix it.
func (a *PipelineKeyArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("pipeline key: args are required")
	}
	if err := a.Account.Validate(); err != nil {
		return fmt.Errorf("pipeline key: %w", err)
	}
	switch {
	case !aliasPattern.MatchString(a.Alias) || len(a.Alias) >= len("alias/aws/") && a.Alias[:len("alias/aws/")] == "alias/aws/":
		return fmt.Errorf("pipeline key: Alias %q must look like \"alias/<name>\" with letters, digits, '/', '_' or '-', and must not start with \"alias/aws/\"", a.Alias)
	case len(a.Description) < 6:
		return fmt.Errorf("pipeline key: Description %q is too short; say in 6 or more characters what the key protects", a.Description)
	case a.TrailName == "":
		return fmt.Errorf("pipeline key: TrailName is required; pass the name of the trail that encrypts its logs with this key")
	case a.DeletionWindowDays < 7 || a.DeletionWindowDays > 30:
		return fmt.Errorf("pipeline key: DeletionWindowDays is %d; AWS accepts 7 to 30", a.DeletionWindowDays)
	}
	return nil
}

// PipelineKey is the customer-managed KMS key that encrypts the raw bucket,
// the CloudTrail logs and the log bucket.
type PipelineKey struct {
	pulumi.ResourceState

	// Key is the KMS key itself.
	Key *kms.Key
	// KeyARN is the key's ARN, the form buckets and trails must be given.
	KeyARN pulumi.StringOutput `pulumi:"keyArn"`
	// AliasName is the key's alias, "alias/<name>".
	AliasName pulumi.StringOutput `pulumi:"aliasName"`
}

// NewPipelineKey creates the key, with rotation on and an explicit policy,
// and its alias.
func NewPipelineKey(ctx *pulumi.Context, name string, args *PipelineKeyArgs, opts ...pulumi.ResourceOption) (*PipelineKey, error) {
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &PipelineKey{}
	if err := ctx.RegisterComponentResource(PipelineKeyType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	policy, err := keyPolicy(args).JSON()
	if err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:           pulumi.String(args.Description),
		KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
		EnableKeyRotation:     pulumi.Bool(true),
		DeletionWindowInDays:  pulumi.Int(args.DeletionWindowDays),
		Policy:                pulumi.String(policy),
		Tags:                  pulumi.ToStringMap(args.Tags),
	}, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}
	alias, err := kms.NewAlias(ctx, name+"-alias", &kms.AliasArgs{
		Name:        pulumi.String(args.Alias),
		TargetKeyId: key.KeyId,
	}, parent)
	if err != nil {
		return nil, err
	}

	c.Key = key
	c.KeyARN = key.Arn
	c.AliasName = alias.Name
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"keyArn":    c.KeyARN,
		"aliasName": c.AliasName,
	})
}

// keyPolicy lets the account administer the key through IAM, and lets AWS
// services use it only on behalf of this pipeline's own resources: the trail,
// the buckets whose notifications reach its queues, and its log groups.
//
// The account statement grants "kms:*" to the account root principal because
// that is what delegates key use to IAM policies: a narrower list would leave
// uploaders and readers unable to be granted the key, and a key policy that
// no IAM principal can change is unrecoverable without AWS support. In a key
// policy "*" as the resource means this key only.
func keyPolicy(a *PipelineKeyArgs) policydoc.Document {
	account := a.Account
	trailARN := account.TrailARN(a.TrailName)
	thisKey := []string{"*"}
	statements := []policydoc.Statement{
		{
			Sid:       "EnableAccountAdministrationThroughIAM",
			Effect:    policydoc.Allow,
			Principal: policydoc.AWS(account.RootARN()),
			Action:    []string{"kms:*"},
			Resource:  thisKey,
		},
		{
			Sid:       "AllowCloudTrailToEncryptLogsOfThisTrail",
			Effect:    policydoc.Allow,
			Principal: policydoc.Service("cloudtrail.amazonaws.com"),
			Action:    []string{"kms:GenerateDataKey*"},
			Resource:  thisKey,
			Condition: policydoc.Conditions{"StringEquals": {
				"aws:SourceArn": {trailARN},
				"kms:EncryptionContext:aws:cloudtrail:arn": {trailARN},
			}},
		},
		{
			Sid:       "AllowCloudTrailToDescribeKeyForThisTrail",
			Effect:    policydoc.Allow,
			Principal: policydoc.Service("cloudtrail.amazonaws.com"),
			Action:    []string{"kms:DescribeKey"},
			Resource:  thisKey,
			Condition: policydoc.Conditions{"StringEquals": {"aws:SourceArn": {trailARN}}},
		},
	}
	if len(a.NotifyingBuckets) > 0 {
		var buckets []string
		for _, b := range a.NotifyingBuckets {
			buckets = append(buckets, account.BucketARN(b))
		}
		statements = append(statements, policydoc.Statement{
			Sid:       "AllowS3ToEncryptNotificationsOfThePipelineBuckets",
			Effect:    policydoc.Allow,
			Principal: policydoc.Service("s3.amazonaws.com"),
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resource:  thisKey,
			Condition: policydoc.Conditions{
				"ArnEquals":    {"aws:SourceArn": buckets},
				"StringEquals": {"aws:SourceAccount": {account.ID}},
			},
		})
	}
	if len(a.LogGroups) > 0 {
		var groups []string
		for _, g := range a.LogGroups {
			groups = append(groups, account.LogGroupARN(g))
		}
		statements = append(statements, policydoc.Statement{
			Sid:       "AllowCloudWatchLogsToEncryptThePipelineLogGroups",
			Effect:    policydoc.Allow,
			Principal: policydoc.Service("logs." + account.Region + ".amazonaws.com"),
			Action: []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey",
				"kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"},
			Resource:  thisKey,
			Condition: policydoc.Conditions{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": groups}},
		})
	}
	return policydoc.New(statements...)
}
