package components

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/policydoc"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
)

// ProvenanceFunctionType is the type token of ProvenanceFunction. It is part
// of every child's URN: changing it replaces the function and its queues.
const ProvenanceFunctionType = "secure-data-pipeline:provenance:ProvenanceFunction"

// ProvenancePrefix is where the function writes receipts in the raw bucket.
const ProvenancePrefix = receipt.Prefix

var functionNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,56}$`)

// LogRetentionDays are the retention periods CloudWatch Logs accepts.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// ProvenanceFunctionArgs configures a ProvenanceFunction.
type ProvenanceFunctionArgs struct {
	// FunctionName names the function; its queues and log group are named
	// after it. At most 56 characters, so the queue names fit.
	FunctionName string
	// Account is where the function runs; its ARNs are built from it.
	Account Account
	// RawBucketName is the bucket whose new objects are recorded.
	RawBucketName string
	// RawBucketID is the raw bucket's id, so the notification waits for it.
	RawBucketID pulumi.StringInput
	// IncomingPrefix is the only prefix whose objects are recorded.
	IncomingPrefix string
	// KMSKeyARN encrypts the queues and the log group. Its policy must let
	// S3 and CloudWatch Logs use it (see PipelineKeyArgs).
	KMSKeyARN pulumi.StringInput
	// Code is the function's zip archive (see package lambdazip).
	Code pulumi.Archive
	// MemoryMB is the function's memory, 128 to 10240.
	MemoryMB int
	// TimeoutSeconds is the function's timeout, 1 to 900. The event queue's
	// visibility timeout is six times this, as AWS advises.
	TimeoutSeconds int
	// ReservedConcurrency reserves concurrency for the function; -1 reserves
	// none.
	ReservedConcurrency int
	// MaxConcurrency caps how many functions the queue invokes at once,
	// 2 to 1000.
	MaxConcurrency int
	// BatchSize is how many messages one invocation receives, 1 to 10.
	BatchSize int
	// MaxReceiveCount is how many times a message is tried before it moves to
	// the dead-letter queue.
	MaxReceiveCount int
	// LogRetentionDays keeps the function's logs; one of LogRetentionDays.
	LogRetentionDays int
	// AlarmTopicARN receives the alarms. Optional.
	AlarmTopicARN string
	// ReceiptLockMode and ReceiptLockDays lock every receipt with S3 Object
	// Lock; the raw bucket must have Object Lock enabled. Empty mode: none.
	ReceiptLockMode string
	ReceiptLockDays int
	// Tags are added to every taggable resource. Optional.
	Tags map[string]string
}

// LogGroupName is the log group the function writes to.
func (a *ProvenanceFunctionArgs) LogGroupName() string { return "/aws/lambda/" + a.FunctionName }

func (a *ProvenanceFunctionArgs) queueName() string { return a.FunctionName + "-events" }

func (a *ProvenanceFunctionArgs) deadLetterQueueName() string { return a.FunctionName + "-dlq" }

// Validate reports the first missing or out-of-range field and how to fix it.
func (a *ProvenanceFunctionArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("provenance function: args are required")
	}
	if err := a.Account.Validate(); err != nil {
		return fmt.Errorf("provenance function: %w", err)
	}
	if err := validateBucketName("RawBucketName", a.RawBucketName); err != nil {
		return fmt.Errorf("provenance function: %w", err)
	}
	switch {
	case !functionNamePattern.MatchString(a.FunctionName):
		return fmt.Errorf("provenance function: FunctionName %q must be 1-56 letters, digits, '-' or '_'", a.FunctionName)
	case a.RawBucketID == nil:
		return fmt.Errorf("provenance function: RawBucketID is required; pass the raw bucket's ID")
	case a.KMSKeyARN == nil:
		return fmt.Errorf("provenance function: KMSKeyARN is required; pass the ARN of the pipeline key")
	case a.Code == nil:
		return fmt.Errorf("provenance function: Code is required; build it with lambdazip")
	case !strings.HasSuffix(a.IncomingPrefix, "/") || strings.HasPrefix(a.IncomingPrefix, ProvenancePrefix):
		return fmt.Errorf("provenance function: IncomingPrefix %q must end in \"/\" and must not be under %s", a.IncomingPrefix, ProvenancePrefix)
	case a.MemoryMB < 128 || a.MemoryMB > 10240:
		return fmt.Errorf("provenance function: MemoryMB is %d; Lambda accepts 128 to 10240", a.MemoryMB)
	case a.TimeoutSeconds < 1 || a.TimeoutSeconds > 900:
		return fmt.Errorf("provenance function: TimeoutSeconds is %d; Lambda accepts 1 to 900", a.TimeoutSeconds)
	case a.ReservedConcurrency < -1:
		return fmt.Errorf("provenance function: ReservedConcurrency is %d; use -1 for none or a number of executions", a.ReservedConcurrency)
	case a.MaxConcurrency < 2 || a.MaxConcurrency > 1000:
		return fmt.Errorf("provenance function: MaxConcurrency is %d; SQS event sources accept 2 to 1000", a.MaxConcurrency)
	case a.BatchSize < 1 || a.BatchSize > 10:
		return fmt.Errorf("provenance function: BatchSize is %d; use 1 to 10", a.BatchSize)
	case a.MaxReceiveCount < 1 || a.MaxReceiveCount > 1000:
		return fmt.Errorf("provenance function: MaxReceiveCount is %d; SQS accepts 1 to 1000", a.MaxReceiveCount)
	case !slices.Contains(LogRetentionDays, a.LogRetentionDays):
		return fmt.Errorf("provenance function: LogRetentionDays is %d; CloudWatch Logs accepts %v", a.LogRetentionDays, LogRetentionDays)
	case a.ReceiptLockMode != "" && a.ReceiptLockMode != ObjectLockGovernance && a.ReceiptLockMode != ObjectLockCompliance:
		return fmt.Errorf("provenance function: ReceiptLockMode %q is not %s or %s", a.ReceiptLockMode, ObjectLockGovernance, ObjectLockCompliance)
	case a.ReceiptLockMode != "" && a.ReceiptLockDays < 1:
		return fmt.Errorf("provenance function: ReceiptLockDays is %d; set it to 1 or more", a.ReceiptLockDays)
	case a.AlarmTopicARN != "" && !strings.HasPrefix(a.AlarmTopicARN, "arn:"):
		return fmt.Errorf("provenance function: AlarmTopicARN %q is not an ARN", a.AlarmTopicARN)
	}
	return nil
}

// ProvenanceFunction records every object created under the incoming prefix
// of the raw bucket: S3 notifies an encrypted queue, the function consumes it
// and writes a receipt per object version, and messages that keep failing
// move to a dead-letter queue that raises an alarm.
type ProvenanceFunction struct {
	pulumi.ResourceState

	// Function is the Lambda function.
	Function *lambda.Function
	// FunctionName is the function's name.
	FunctionName pulumi.StringOutput `pulumi:"functionName"`
	// FunctionARN is the function's ARN.
	FunctionARN pulumi.StringOutput `pulumi:"functionArn"`
	// QueueURL is the URL of the queue S3 notifies.
	QueueURL pulumi.StringOutput `pulumi:"queueUrl"`
	// DeadLetterQueueURL is the URL of the dead-letter queue.
	DeadLetterQueueURL pulumi.StringOutput `pulumi:"deadLetterQueueUrl"`
}

// NewProvenanceFunction creates the delivery path and the function.
func NewProvenanceFunction(ctx *pulumi.Context, name string, args *ProvenanceFunctionArgs, opts ...pulumi.ResourceOption) (*ProvenanceFunction, error) {
	if err := args.Validate(); err != nil {
		return nil, err
	}
	c := &ProvenanceFunction{}
	if err := ctx.RegisterComponentResource(ProvenanceFunctionType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	account := args.Account
	queueARN := account.QueueARN(args.queueName())
	dlqARN := account.QueueARN(args.deadLetterQueueName())
	bucketARN := account.BucketARN(args.RawBucketName)
	logGroupARN := account.LogGroupARN(args.LogGroupName())

	dlq, err := sqs.NewQueue(ctx, name+"-dlq", &sqs.QueueArgs{
		Name:                         pulumi.String(args.deadLetterQueueName()),
		KmsMasterKeyId:               args.KMSKeyARN,
		KmsDataKeyReusePeriodSeconds: pulumi.Int(300),
		MessageRetentionSeconds:      pulumi.Int(14 * 24 * 3600),
		Tags:                         pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, err
	}
	redrive, err := json.Marshal(struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		MaxReceiveCount     int    `json:"maxReceiveCount"`
	}{dlqARN, args.MaxReceiveCount})
	if err != nil {
		return nil, err
	}
	queue, err := sqs.NewQueue(ctx, name+"-events", &sqs.QueueArgs{
		Name:                         pulumi.String(args.queueName()),
		KmsMasterKeyId:               args.KMSKeyARN,
		KmsDataKeyReusePeriodSeconds: pulumi.Int(300),
		VisibilityTimeoutSeconds:     pulumi.Int(6 * args.TimeoutSeconds),
		MessageRetentionSeconds:      pulumi.Int(4 * 24 * 3600),
		RedrivePolicy:                pulumi.String(string(redrive)),
		Tags:                         pulumi.ToStringMap(args.Tags),
	}, parent, pulumi.DependsOn([]pulumi.Resource{dlq}))
	if err != nil {
		return nil, err
	}

	dlqPolicy, err := policydoc.New(denyInsecureQueueTransport(dlqARN)).JSON()
	if err != nil {
		return nil, err
	}
	if _, err := sqs.NewQueuePolicy(ctx, name+"-dlq-policy", &sqs.QueuePolicyArgs{
		QueueUrl: dlq.Url,
		Policy:   pulumi.String(dlqPolicy),
	}, parent); err != nil {
		return nil, err
	}
	queuePolicyDoc, err := eventQueuePolicy(account, queueARN, bucketARN).JSON()
	if err != nil {
		return nil, err
	}
	queuePolicy, err := sqs.NewQueuePolicy(ctx, name+"-events-policy", &sqs.QueuePolicyArgs{
		QueueUrl: queue.Url,
		Policy:   pulumi.String(queuePolicyDoc),
	}, parent)
	if err != nil {
		return nil, err
	}

	if _, err := s3.NewBucketNotification(ctx, name+"-notification", &s3.BucketNotificationArgs{
		Bucket: args.RawBucketID,
		Queues: s3.BucketNotificationQueueArray{&s3.BucketNotificationQueueArgs{
			Id:           pulumi.String("provenance"),
			QueueArn:     queue.Arn,
			Events:       pulumi.StringArray{pulumi.String("s3:ObjectCreated:*")},
			FilterPrefix: pulumi.String(args.IncomingPrefix),
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{queuePolicy})); err != nil {
		return nil, err
	}

	env := pulumi.StringMap{"INCOMING_PREFIX": pulumi.String(args.IncomingPrefix)}
	if args.ReceiptLockMode != "" {
		env["RECEIPT_LOCK_MODE"] = pulumi.String(args.ReceiptLockMode)
		env["RECEIPT_LOCK_DAYS"] = pulumi.Sprintf("%d", args.ReceiptLockDays)
	}
	fn, err := newGoFunction(ctx, name, goFunction{
		Name:                args.FunctionName,
		Description:         "Writes a SHA-256 provenance receipt for every object created under " + args.IncomingPrefix,
		Account:             account,
		Code:                args.Code,
		MemoryMB:            args.MemoryMB,
		TimeoutSeconds:      args.TimeoutSeconds,
		ReservedConcurrency: args.ReservedConcurrency,
		Env:                 env,
		KMSKeyARN:           args.KMSKeyARN,
		LogRetentionDays:    args.LogRetentionDays,
		Policy: args.KMSKeyARN.ToStringOutput().ApplyT(func(keyARN string) (string, error) {
			return provenanceRolePolicy(account, bucketARN, args.IncomingPrefix, keyARN, queueARN, logGroupARN, args.ReceiptLockMode != "").JSON()
		}).(pulumi.StringOutput),
		Tags: args.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	c.Function = fn

	if _, err := lambda.NewEventSourceMapping(ctx, name+"-event-source", &lambda.EventSourceMappingArgs{
		EventSourceArn:        queue.Arn,
		FunctionName:          fn.Arn,
		BatchSize:             pulumi.Int(args.BatchSize),
		FunctionResponseTypes: pulumi.StringArray{pulumi.String("ReportBatchItemFailures")},
		ScalingConfig: &lambda.EventSourceMappingScalingConfigArgs{
			MaximumConcurrency: pulumi.Int(args.MaxConcurrency),
		},
	}, parent); err != nil {
		return nil, err
	}

	alarms := []alarm{{
		name:        name + "-dlq-alarm",
		description: fmt.Sprintf("Events the provenance function could not record are waiting in %s: inspect them, fix the cause, redrive.", args.deadLetterQueueName()),
		namespace:   "AWS/SQS", metric: "ApproximateNumberOfMessagesVisible", statistic: "Maximum",
		dimensions: pulumi.StringMap{"QueueName": pulumi.String(args.deadLetterQueueName())},
		after:      dlq,
	}, {
		name:        name + "-errors-alarm",
		description: fmt.Sprintf("The provenance function %s failed an invocation; its log group says why.", args.FunctionName),
		namespace:   "AWS/Lambda", metric: "Errors", statistic: "Sum",
		dimensions: pulumi.StringMap{"FunctionName": pulumi.String(args.FunctionName)},
		after:      fn,
	}}
	for _, a := range alarms {
		if err := a.create(ctx, args.AlarmTopicARN, args.Tags, parent); err != nil {
			return nil, err
		}
	}

	c.FunctionName = fn.Name
	c.FunctionARN = fn.Arn
	c.QueueURL = queue.Url
	c.DeadLetterQueueURL = dlq.Url
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"functionName":       c.FunctionName,
		"functionArn":        c.FunctionARN,
		"queueUrl":           c.QueueURL,
		"deadLetterQueueUrl": c.DeadLetterQueueURL,
	})
}

// denyInsecureQueueTransport refuses every request to the queue not made
// over TLS.
func denyInsecureQueueTransport(queueARN string) policydoc.Statement {
	return policydoc.Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    policydoc.Deny,
		Principal: policydoc.Anyone(),
		Action:    []string{"sqs:*"},
		Resource:  []string{queueARN},
		Condition: policydoc.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
	}
}

// eventQueuePolicy lets S3 send to the queue only on behalf of the raw
// bucket in this account.
func eventQueuePolicy(account Account, queueARN, bucketARN string) policydoc.Document {
	return policydoc.New(
		denyInsecureQueueTransport(queueARN),
		policydoc.Statement{
			Sid:       "AllowS3NotificationsFromTheRawBucket",
			Effect:    policydoc.Allow,
			Principal: policydoc.Service("s3.amazonaws.com"),
			Action:    []string{"sqs:SendMessage"},
			Resource:  []string{queueARN},
			Condition: policydoc.Conditions{
				"ArnEquals":    {"aws:SourceArn": {bucketARN}},
				"StringEquals": {"aws:SourceAccount": {account.ID}},
			},
		},
	)
}

// lambdaTrustPolicy lets only the Lambda service, acting for this account,
// assume the role.
func lambdaTrustPolicy(account Account) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:       "AllowLambdaInThisAccount",
		Effect:    policydoc.Allow,
		Principal: policydoc.Service("lambda.amazonaws.com"),
		Action:    []string{"sts:AssumeRole"},
		Condition: policydoc.Conditions{"StringEquals": {"aws:SourceAccount": {account.ID}}},
	})
}

// provenanceRolePolicy is everything the function may do, each action on the
// narrowest resource AWS allows.
//
// With locked receipts it may set a retention (s3:PutObjectRetention) but
// never bypass one: without s3:BypassGovernanceRetention it cannot shorten
// or remove a lock, even in GOVERNANCE mode.
func provenanceRolePolicy(account Account, bucketARN, incomingPrefix, keyARN, queueARN, logGroupARN string, lockReceipts bool) policydoc.Document {
	receiptActions := []string{"s3:GetObject", "s3:PutObject"}
	if lockReceipts {
		receiptActions = append(receiptActions, "s3:PutObjectRetention")
	}
	return policydoc.New(
		policydoc.Statement{
			Sid:      "ReadIncomingObjectVersions",
			Effect:   policydoc.Allow,
			Action:   []string{"s3:GetObject", "s3:GetObjectVersion"},
			Resource: []string{bucketARN + "/" + incomingPrefix + "*"},
		},
		policydoc.Statement{
			Sid:      "WriteAndReadReceipts",
			Effect:   policydoc.Allow,
			Action:   receiptActions,
			Resource: []string{bucketARN + "/" + ProvenancePrefix + "*"},
		},
		// Without ListBucket S3 answers a read of a deleted object with 403,
		// not 404, and the function could not tell "gone" from "denied".
		policydoc.Statement{
			Sid:      "TellMissingObjectsFromDeniedOnes",
			Effect:   policydoc.Allow,
			Action:   []string{"s3:ListBucket"},
			Resource: []string{bucketARN},
		},
		policydoc.Statement{
			Sid:       "UseThePipelineKeyThroughS3AndSQSOnly",
			Effect:    policydoc.Allow,
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resource:  []string{keyARN},
			Condition: policydoc.Conditions{"StringEquals": {"kms:ViaService": {"s3." + account.Region + ".amazonaws.com", "sqs." + account.Region + ".amazonaws.com"}}},
		},
		policydoc.Statement{
			Sid:      "ConsumeTheEventQueue",
			Effect:   policydoc.Allow,
			Action:   []string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"},
			Resource: []string{queueARN},
		},
		policydoc.Statement{
			Sid:      "WriteOwnLogs",
			Effect:   policydoc.Allow,
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{logGroupARN + ":log-stream:*"},
		},
	)
}

// alarm fires as soon as its metric is above zero in a five-minute period:
// one unrecorded event or one failed invocation is already one too many.
type alarm struct {
	name, description            string
	namespace, metric, statistic string
	dimensions                   pulumi.StringMap
	after                        pulumi.Resource
}

func (a alarm) create(ctx *pulumi.Context, topicARN string, tags map[string]string, parent pulumi.ResourceOption) error {
	var actions pulumi.Array
	if topicARN != "" {
		actions = pulumi.Array{pulumi.String(topicARN)}
	}
	_, err := cloudwatch.NewMetricAlarm(ctx, a.name, &cloudwatch.MetricAlarmArgs{
		AlarmDescription:   pulumi.String(a.description),
		Namespace:          pulumi.String(a.namespace),
		MetricName:         pulumi.String(a.metric),
		Dimensions:         a.dimensions,
		Statistic:          pulumi.String(a.statistic),
		Period:             pulumi.Int(300),
		EvaluationPeriods:  pulumi.Int(1),
		Threshold:          pulumi.Float64(0),
		ComparisonOperator: pulumi.String("GreaterThanThreshold"),
		TreatMissingData:   pulumi.String("notBreaching"),
		AlarmActions:       actions,
		OkActions:          actions,
		Tags:               pulumi.ToStringMap(tags),
	}, parent, pulumi.DependsOn([]pulumi.Resource{a.after}))
	return err
}
