package components

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/policydoc"
	"github.com/caa304/secure-data-pipeline/functions/provenance/digest"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/verification"
)

// ReceiptVerifierType is the type token of ReceiptVerifier.
const ReceiptVerifierType = "secure-data-pipeline:provenance:ReceiptVerifier"

// IntegrityMetric is the metric the verifier's problem log lines count.
const (
	IntegrityMetricNamespace = "SecureDataPipeline"
	IntegrityMetricName      = "IntegrityProblems"
)

var schedulePattern = regexp.MustCompile(`^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$`)

// ReceiptVerifierArgs configures a ReceiptVerifier.
type ReceiptVerifierArgs struct {
	// FunctionName names the function, its log group and its role.
	FunctionName string
	// Account is where it runs.
	Account Account
	// RawBucketName holds the uploads, receipts, reports and digests.
	RawBucketName string
	// IncomingPrefix is where uploads arrive.
	IncomingPrefix string
	// KMSKeyARN is the pipeline key (bucket and log group encryption); its
	// policy must let CloudWatch Logs use it for LogGroupName().
	KMSKeyARN pulumi.StringInput
	// Code is the function's zip archive.
	Code pulumi.Archive
	// Schedule is an EventBridge schedule expression, for example
	// "rate(1 day)" or "cron(0 3 * * ? *)".
	Schedule string
	// SamplePercent of the receipts are verified on each run, 1-100.
	SamplePercent int
	// LogRetentionDays keeps the function's logs; one of LogRetentionDays.
	LogRetentionDays int
	// DigestKeyAlias names the asymmetric key that signs the digests.
	DigestKeyAlias string
	// DeletionWindowDays is the digest key's deletion waiting period.
	DeletionWindowDays int
	// AlarmTopicARN receives the alarms. Optional.
	AlarmTopicARN string
	// Protect makes Pulumi refuse to delete the digest key. Optional.
	Protect bool
	// Tags are added to every taggable resource. Optional.
	Tags map[string]string
}

// LogGroupName is the log group the verifier writes to.
func (a *ReceiptVerifierArgs) LogGroupName() string { return "/aws/lambda/" + a.FunctionName }

// Validate reports the first missing or out-of-range field and how to fix it.
func (a *ReceiptVerifierArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("receipt verifier: args are required")
	}
	if err := a.Account.Validate(); err != nil {
		return fmt.Errorf("receipt verifier: %w", err)
	}
	if err := validateBucketName("RawBucketName", a.RawBucketName); err != nil {
		return fmt.Errorf("receipt verifier: %w", err)
	}
	switch {
	case !functionNamePattern.MatchString(a.FunctionName):
		return fmt.Errorf("receipt verifier: FunctionName %q must be 1-56 letters, digits, '-' or '_'", a.FunctionName)
	case a.KMSKeyARN == nil || a.Code == nil:
		return fmt.Errorf("receipt verifier: KMSKeyARN and Code are required")
	case !schedulePattern.MatchString(a.Schedule):
		return fmt.Errorf("receipt verifier: Schedule %q is not an EventBridge schedule; use rate(1 day) or cron(...)", a.Schedule)
	case a.SamplePercent < 1 || a.SamplePercent > 100:
		return fmt.Errorf("receipt verifier: SamplePercent is %d; use 1 to 100", a.SamplePercent)
	case !aliasPattern.MatchString(a.DigestKeyAlias):
		return fmt.Errorf("receipt verifier: DigestKeyAlias %q must look like alias/<name>", a.DigestKeyAlias)
	case a.DeletionWindowDays < 7 || a.DeletionWindowDays > 30:
		return fmt.Errorf("receipt verifier: DeletionWindowDays is %d; AWS accepts 7 to 30", a.DeletionWindowDays)
	}
	return nil
}

// ReceiptVerifier re-verifies receipts on a schedule, writes reports, raises
// an alarm on any problem, and signs a daily digest of the receipts with an
// asymmetric key whose public half lets auditors check the chain offline.
type ReceiptVerifier struct {
	pulumi.ResourceState

	// FunctionName is the verifier function's name.
	FunctionName pulumi.StringOutput `pulumi:"functionName"`
	// DigestKeyARN is the key that signs the digests.
	DigestKeyARN pulumi.StringOutput `pulumi:"digestKeyArn"`
}

// NewReceiptVerifier creates the verifier.
func NewReceiptVerifier(ctx *pulumi.Context, name string, args *ReceiptVerifierArgs, opts ...pulumi.ResourceOption) (*ReceiptVerifier, error) {
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &ReceiptVerifier{}
	if err := ctx.RegisterComponentResource(ReceiptVerifierType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	account := args.Account

	// Asymmetric keys cannot rotate; their policy lets the account administer
	// and use them through IAM, and the role gets kms:Sign on this key only.
	keyPolicy, err := policydoc.New(policydoc.Statement{
		Sid: "EnableAccountAdministrationThroughIAM", Effect: policydoc.Allow,
		Principal: policydoc.AWS(account.RootARN()), Action: []string{"kms:*"}, Resource: []string{"*"},
	}).JSON()
	if err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, name+"-digest-key", &kms.KeyArgs{
		Description:           pulumi.String("Signs the daily digests of provenance receipts (" + args.RawBucketName + ")"),
		KeyUsage:              pulumi.String("SIGN_VERIFY"),
		CustomerMasterKeySpec: pulumi.String("ECC_NIST_P256"),
		DeletionWindowInDays:  pulumi.Int(args.DeletionWindowDays),
		Policy:                pulumi.String(keyPolicy),
		Tags:                  pulumi.ToStringMap(args.Tags),
	}, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(ctx, name+"-digest-key-alias", &kms.AliasArgs{Name: pulumi.String(args.DigestKeyAlias), TargetKeyId: key.KeyId}, parent); err != nil {
		return nil, err
	}

	bucketARN := account.BucketARN(args.RawBucketName)
	logGroupARN := account.LogGroupARN(args.LogGroupName())
	fn, err := newGoFunction(ctx, name, goFunction{
		Name:                args.FunctionName,
		Description:         "Re-verifies provenance receipts, writes reports and signs the daily digest",
		Account:             account,
		Code:                args.Code,
		MemoryMB:            1024,
		TimeoutSeconds:      900,
		ReservedConcurrency: -1,
		Env: pulumi.StringMap{
			"BUCKET":          pulumi.String(args.RawBucketName),
			"INCOMING_PREFIX": pulumi.String(args.IncomingPrefix),
			"SAMPLE_PERCENT":  pulumi.Sprintf("%d", args.SamplePercent),
			"DIGEST_KEY_ID":   key.Arn,
		},
		KMSKeyARN:        args.KMSKeyARN,
		LogRetentionDays: args.LogRetentionDays,
		Policy: pulumi.All(args.KMSKeyARN, key.Arn).ApplyT(func(v []any) (string, error) {
			return verifierRolePolicy(account, bucketARN, args.IncomingPrefix, v[0].(string), v[1].(string), logGroupARN).JSON()
		}).(pulumi.StringOutput),
		Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	rule, err := cloudwatch.NewEventRule(ctx, name+"-schedule", &cloudwatch.EventRuleArgs{
		Description:        pulumi.String("Runs the receipt verifier"),
		ScheduleExpression: pulumi.String(args.Schedule),
		Tags:               pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, err
	}
	permission, err := lambda.NewPermission(ctx, name+"-schedule-permission", &lambda.PermissionArgs{
		Action:        pulumi.String("lambda:InvokeFunction"),
		Function:      fn.Name,
		Principal:     pulumi.String("events.amazonaws.com"),
		SourceArn:     rule.Arn,
		SourceAccount: pulumi.String(account.ID),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-schedule-target", &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  fn.Arn,
	}, parent, pulumi.DependsOn([]pulumi.Resource{permission})); err != nil {
		return nil, err
	}

	if _, err := cloudwatch.NewLogMetricFilter(ctx, name+"-problems", &cloudwatch.LogMetricFilterArgs{
		LogGroupName: pulumi.String(args.LogGroupName()),
		Pattern:      pulumi.String(`{ $.msg = "verdict" }`),
		MetricTransformation: &cloudwatch.LogMetricFilterMetricTransformationArgs{
			Namespace: pulumi.String(IntegrityMetricNamespace),
			Name:      pulumi.String(IntegrityMetricName),
			Value:     pulumi.String("1"),
			Unit:      pulumi.String("Count"),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{fn})); err != nil { // fn waits for its log group
		return nil, err
	}
	for _, a := range []alarm{{
		name:        name + "-integrity-alarm",
		description: "Scheduled verification found a receipt that does not match its object, a missing object, an invalid receipt, or an upload without a receipt: see the report table.",
		namespace:   IntegrityMetricNamespace, metric: IntegrityMetricName, statistic: "Sum",
		after: fn,
	}, {
		name:        name + "-errors-alarm",
		description: fmt.Sprintf("The receipt verifier %s failed a run; its log group says why.", args.FunctionName),
		namespace:   "AWS/Lambda", metric: "Errors", statistic: "Sum",
		dimensions: pulumi.StringMap{"FunctionName": pulumi.String(args.FunctionName)},
		after:      fn,
	}} {
		if err := a.create(ctx, args.AlarmTopicARN, args.Tags, parent); err != nil {
			return nil, err
		}
	}

	c.FunctionName = fn.Name
	c.DigestKeyARN = key.Arn
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"functionName": c.FunctionName, "digestKeyArn": c.DigestKeyARN})
}

// verifierRolePolicy lets the verifier read what it verifies, write only
// reports and digests, and sign with the digest key.
func verifierRolePolicy(account Account, bucketARN, incomingPrefix, keyARN, digestKeyARN, logGroupARN string) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{Sid: "ReadUploadsAndReceipts", Effect: policydoc.Allow,
			Action:   []string{"s3:GetObject", "s3:GetObjectVersion"},
			Resource: []string{bucketARN + "/" + incomingPrefix + "*", bucketARN + "/" + receipt.Prefix + "*", bucketARN + "/" + digest.Prefix + "*"}},
		policydoc.Statement{Sid: "ListWhatItVerifies", Effect: policydoc.Allow,
			Action: []string{"s3:ListBucket", "s3:ListBucketVersions"}, Resource: []string{bucketARN}},
		policydoc.Statement{Sid: "WriteReportsAndDigests", Effect: policydoc.Allow,
			Action:   []string{"s3:PutObject"},
			Resource: []string{bucketARN + "/" + verification.ReportPrefix + "*", bucketARN + "/" + digest.Prefix + "*"}},
		policydoc.Statement{Sid: "UseThePipelineKeyThroughS3Only", Effect: policydoc.Allow,
			Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: []string{keyARN},
			Condition: policydoc.Conditions{"StringEquals": {"kms:ViaService": {"s3." + account.Region + ".amazonaws.com"}}}},
		policydoc.Statement{Sid: "SignDigests", Effect: policydoc.Allow,
			Action: []string{"kms:Sign"}, Resource: []string{digestKeyARN}},
		policydoc.Statement{Sid: "WriteOwnLogs", Effect: policydoc.Allow,
			Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logGroupARN + ":log-stream:*"}},
	)
}
