package components

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults of SecurePipelineArgs. Pulumi.yaml declares the same values; a
// test keeps the two in step.
const (
	DefaultNamePrefix                         = "sdp"
	DefaultKeyDeletionWindowDays              = 30
	DefaultNoncurrentVersionExpirationDays    = 90
	DefaultAbortIncompleteMultipartUploadDays = 7
	DefaultLogTransitionDays                  = 90
	DefaultLogExpirationDays                  = 730
	DefaultAccessLogExpirationDays            = 365
	DefaultObjectLockMode                     = ObjectLockGovernance
	DefaultObjectLockDays                     = 365
	DefaultRecordManagementEvents             = true
	DefaultFunctionMemoryMB                   = 512
	DefaultFunctionTimeoutSeconds             = 300
	DefaultFunctionReservedConcurrency        = -1
	DefaultEventMaxConcurrency                = 5
	DefaultEventBatchSize                     = 10
	DefaultMaxReceiveCount                    = 5
	DefaultLogRetentionDays                   = 365
	DefaultAthenaResultsExpirationDays        = 30
	DefaultAthenaBytesScannedCutoffMiB        = 10240
	DefaultProjectionStartDate                = "2025/01/01"
	DefaultReceiptLockMode                    = ObjectLockGovernance
	DefaultReceiptLockDays                    = 365
	DefaultVerifierSchedule                   = "rate(1 day)"
	DefaultVerifierSamplePercent              = 100
)

// The folders of the raw bucket. Uploads go to IncomingPrefix; the
// provenance function reads only there.
const (
	IncomingPrefix  = "incoming/"
	ProcessedPrefix = "processed/"
	TestPrefix      = "test/"
)

// DevEnvironment is the environment whose data-bearing resources are not
// protected by default, so that it can be torn down and rebuilt.
const DevEnvironment = "dev"

// SecurePipelineArgs configures a SecurePipeline. Zero values take the
// defaults listed on each field; ArgsFromConfig fills it from stack config.
type SecurePipelineArgs struct {
	// Environment names the environment, usually the stack name. Required.
	Environment string
	// NamePrefix starts every generated name. Default DefaultNamePrefix.
	NamePrefix string
	// RawBucketName names the raw-data bucket.
	// Default "<NamePrefix>-<Environment>-raw-data".
	RawBucketName string
	// LogBucketName names the CloudTrail log bucket.
	// Default "<NamePrefix>-<Environment>-cloudtrail-log".
	LogBucketName string
	// AccessLogBucketName names the S3 server-access-log bucket.
	// Default "<NamePrefix>-<Environment>-access-logs".
	AccessLogBucketName string
	// TrailName names the CloudTrail trail.
	// Default "<NamePrefix>-<Environment>-trail".
	TrailName string
	// KeyDeletionWindowDays is the KMS key's deletion waiting period, 7-30.
	// Default DefaultKeyDeletionWindowDays.
	KeyDeletionWindowDays int
	// NoncurrentVersionExpirationDays is how long overwritten and deleted
	// object versions are kept. Default DefaultNoncurrentVersionExpirationDays.
	NoncurrentVersionExpirationDays int
	// AbortIncompleteMultipartUploadDays is how long unfinished multipart
	// uploads keep their parts. Default DefaultAbortIncompleteMultipartUploadDays.
	AbortIncompleteMultipartUploadDays int
	// LogTransitionDays moves CloudTrail logs to Glacier Instant Retrieval.
	// Default DefaultLogTransitionDays.
	LogTransitionDays int
	// LogExpirationDays deletes CloudTrail logs. Default DefaultLogExpirationDays.
	LogExpirationDays int
	// AccessLogExpirationDays deletes server access logs.
	// Default DefaultAccessLogExpirationDays.
	AccessLogExpirationDays int
	// ObjectLockMode is the log bucket's default retention mode,
	// ObjectLockGovernance or ObjectLockCompliance. Default DefaultObjectLockMode.
	ObjectLockMode string
	// ObjectLockDays is the log bucket's default retention.
	// Default DefaultObjectLockDays.
	ObjectLockDays int
	// RecordManagementEvents adds management events to the trail.
	// Nil means DefaultRecordManagementEvents.
	RecordManagementEvents *bool
	// ForceDestroy lets `pulumi destroy` delete buckets that hold objects.
	// Default false.
	ForceDestroy bool
	// Protect makes Pulumi refuse to delete the key and the buckets. Nil means
	// true, except in the DevEnvironment.
	Protect *bool
	// ProvenanceFunctionName names the provenance function, its queues and
	// its log group. Default "<NamePrefix>-<Environment>-provenance".
	ProvenanceFunctionName string
	// FunctionMemoryMB is the provenance function's memory.
	// Default DefaultFunctionMemoryMB.
	FunctionMemoryMB int
	// FunctionTimeoutSeconds is the provenance function's timeout.
	// Default DefaultFunctionTimeoutSeconds.
	FunctionTimeoutSeconds int
	// FunctionReservedConcurrency reserves concurrency for the function; -1
	// reserves none. Nil means DefaultFunctionReservedConcurrency.
	FunctionReservedConcurrency *int
	// EventMaxConcurrency caps concurrent invocations from the event queue.
	// Default DefaultEventMaxConcurrency.
	EventMaxConcurrency int
	// EventBatchSize is how many messages one invocation receives.
	// Default DefaultEventBatchSize.
	EventBatchSize int
	// MaxReceiveCount is how many times an event is tried before it moves to
	// the dead-letter queue. Default DefaultMaxReceiveCount.
	MaxReceiveCount int
	// LogRetentionDays keeps the function's logs. Default DefaultLogRetentionDays.
	LogRetentionDays int
	// AlarmTopicARN is an SNS topic that receives the alarms. Optional.
	AlarmTopicARN string
	// GlueDatabaseName names the audit database.
	// Default "<NamePrefix>_<Environment>_audit" with '-' as '_'.
	GlueDatabaseName string
	// AthenaWorkgroupName names the workgroup. Default "<NamePrefix>-<Environment>-audit".
	AthenaWorkgroupName string
	// AthenaResultsBucketName names the query results bucket.
	// Default "<NamePrefix>-<Environment>-athena-results".
	AthenaResultsBucketName string
	// AthenaResultsExpirationDays deletes query results.
	// Default DefaultAthenaResultsExpirationDays.
	AthenaResultsExpirationDays int
	// AthenaBytesScannedCutoffMiB cancels a query that scans more.
	// Default DefaultAthenaBytesScannedCutoffMiB.
	AthenaBytesScannedCutoffMiB int
	// CloudTrailRegions are the region folders the CloudTrail table reads.
	// Empty means the stack's own region.
	CloudTrailRegions []string
	// ProjectionStartDate is the first day (yyyy/MM/dd) the CloudTrail
	// table projects. Default DefaultProjectionStartDate.
	ProjectionStartDate string
	// ManageGlueCatalogEncryption makes this stack own the account-wide Glue
	// Data Catalog encryption settings. Default false: they are one per
	// account and region, and two stacks must not fight over them.
	ManageGlueCatalogEncryption bool
	// ReceiptLockMode locks every receipt with S3 Object Lock in this mode,
	// ObjectLockGovernance or ObjectLockCompliance. Default DefaultReceiptLockMode.
	ReceiptLockMode string
	// ReceiptLockDays is how long each receipt is locked.
	// Default DefaultReceiptLockDays.
	ReceiptLockDays int
	// VerifierSchedule is when scheduled verification runs (EventBridge).
	// Default DefaultVerifierSchedule.
	VerifierSchedule string
	// VerifierSamplePercent of receipts are re-verified on each run.
	// Default DefaultVerifierSamplePercent.
	VerifierSamplePercent int
	// VerifierArchive is the verifier function's code. Nil builds it from
	// VerifierPackage.
	VerifierArchive pulumi.Archive
	// ProvenanceArchive is the function's code. Nil builds it from
	// ProvenancePackage (see package lambdazip).
	ProvenanceArchive pulumi.Archive
	// Tags are added to every taggable resource, over the default tags
	// project, environment and managed-by.
	Tags map[string]string
}

// Config keys, as set with `pulumi config set <key> <value>`. Validation
// errors name them so that a stack's owner knows what to change.
const (
	keyNamePrefix                         = "namePrefix"
	keyRawBucketName                      = "rawBucketName"
	keyLogBucketName                      = "logBucketName"
	keyAccessLogBucketName                = "accessLogBucketName"
	keyTrailName                          = "trailName"
	keyKMSDeletionWindowDays              = "kmsDeletionWindowDays"
	keyNoncurrentVersionExpirationDays    = "noncurrentVersionExpirationDays"
	keyAbortIncompleteMultipartUploadDays = "abortIncompleteMultipartUploadDays"
	keyLogTransitionDays                  = "logTransitionDays"
	keyLogExpirationDays                  = "logExpirationDays"
	keyAccessLogExpirationDays            = "accessLogExpirationDays"
	keyObjectLockMode                     = "objectLockMode"
	keyObjectLockDays                     = "objectLockDays"
	keyRecordManagementEvents             = "recordManagementEvents"
	keyForceDestroy                       = "forceDestroy"
	keyProtect                            = "protect"
	keyProvenanceFunctionName             = "provenanceFunctionName"
	keyFunctionMemoryMB                   = "functionMemoryMb"
	keyFunctionTimeoutSeconds             = "functionTimeoutSeconds"
	keyFunctionReservedConcurrency        = "functionReservedConcurrency"
	keyEventMaxConcurrency                = "eventMaxConcurrency"
	keyEventBatchSize                     = "eventBatchSize"
	keyMaxReceiveCount                    = "maxReceiveCount"
	keyLogRetentionDays                   = "logRetentionDays"
	keyAlarmTopicARN                      = "alarmTopicArn"
	keyGlueDatabaseName                   = "glueDatabaseName"
	keyAthenaWorkgroupName                = "athenaWorkgroupName"
	keyAthenaResultsBucketName            = "athenaResultsBucketName"
	keyAthenaResultsExpirationDays        = "athenaResultsExpirationDays"
	keyAthenaBytesScannedCutoffMiB        = "athenaBytesScannedCutoffMib"
	keyCloudTrailRegions                  = "cloudtrailRegions"
	keyProjectionStartDate                = "cloudtrailProjectionStartDate"
	keyManageGlueCatalogEncryption        = "manageGlueCatalogEncryption"
	keyReceiptLockMode                    = "receiptLockMode"
	keyReceiptLockDays                    = "receiptLockDays"
	keyVerifierSchedule                   = "verifierSchedule"
	keyVerifierSamplePercent              = "verifierSamplePercent"
)

// settingError names a setting both ways, as the config key and as the Go
// field, and says how to fix it.
func settingError(key, field string, value any, problem, fix string) error {
	return fmt.Errorf("config %q (SecurePipelineArgs.%s) = %v: %s; %s", key, field, value, problem, fix)
}

// withDefaults returns a copy of a with every zero field set to its default.
// It is the one place defaults are applied.
func (a SecurePipelineArgs) withDefaults() SecurePipelineArgs {
	orDefault := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if a.NamePrefix == "" {
		a.NamePrefix = DefaultNamePrefix
	}
	base := a.NamePrefix + "-" + a.Environment
	if a.RawBucketName == "" {
		a.RawBucketName = base + "-raw-data"
	}
	if a.LogBucketName == "" {
		a.LogBucketName = base + "-cloudtrail-log"
	}
	if a.AccessLogBucketName == "" {
		a.AccessLogBucketName = base + "-access-logs"
	}
	if a.TrailName == "" {
		a.TrailName = base + "-trail"
	}
	if a.ProvenanceFunctionName == "" {
		a.ProvenanceFunctionName = base + "-provenance"
	}
	if a.GlueDatabaseName == "" {
		a.GlueDatabaseName = strings.ToLower(strings.ReplaceAll(base, "-", "_")) + "_audit"
	}
	if a.AthenaWorkgroupName == "" {
		a.AthenaWorkgroupName = base + "-audit"
	}
	if a.AthenaResultsBucketName == "" {
		a.AthenaResultsBucketName = base + "-athena-results"
	}
	if a.ProjectionStartDate == "" {
		a.ProjectionStartDate = DefaultProjectionStartDate
	}
	orDefault(&a.AthenaResultsExpirationDays, DefaultAthenaResultsExpirationDays)
	orDefault(&a.ReceiptLockDays, DefaultReceiptLockDays)
	orDefault(&a.VerifierSamplePercent, DefaultVerifierSamplePercent)
	if a.VerifierSchedule == "" {
		a.VerifierSchedule = DefaultVerifierSchedule
	}
	if a.ReceiptLockMode == "" {
		a.ReceiptLockMode = DefaultReceiptLockMode
	}
	orDefault(&a.AthenaBytesScannedCutoffMiB, DefaultAthenaBytesScannedCutoffMiB)
	orDefault(&a.FunctionMemoryMB, DefaultFunctionMemoryMB)
	orDefault(&a.FunctionTimeoutSeconds, DefaultFunctionTimeoutSeconds)
	orDefault(&a.EventMaxConcurrency, DefaultEventMaxConcurrency)
	orDefault(&a.EventBatchSize, DefaultEventBatchSize)
	orDefault(&a.MaxReceiveCount, DefaultMaxReceiveCount)
	orDefault(&a.LogRetentionDays, DefaultLogRetentionDays)
	if a.FunctionReservedConcurrency == nil {
		v := DefaultFunctionReservedConcurrency
		a.FunctionReservedConcurrency = &v
	}
	orDefault(&a.KeyDeletionWindowDays, DefaultKeyDeletionWindowDays)
	orDefault(&a.NoncurrentVersionExpirationDays, DefaultNoncurrentVersionExpirationDays)
	orDefault(&a.AbortIncompleteMultipartUploadDays, DefaultAbortIncompleteMultipartUploadDays)
	orDefault(&a.LogTransitionDays, DefaultLogTransitionDays)
	orDefault(&a.LogExpirationDays, DefaultLogExpirationDays)
	orDefault(&a.AccessLogExpirationDays, DefaultAccessLogExpirationDays)
	orDefault(&a.ObjectLockDays, DefaultObjectLockDays)
	if a.ObjectLockMode == "" {
		a.ObjectLockMode = DefaultObjectLockMode
	}
	if a.RecordManagementEvents == nil {
		v := DefaultRecordManagementEvents
		a.RecordManagementEvents = &v
	}
	if a.Protect == nil {
		v := a.Environment != DevEnvironment
		a.Protect = &v
	}
	tags := map[string]string{
		"project":     "secure-data-pipeline",
		"environment": a.Environment,
		"managed-by":  "pulumi",
	}
	maps.Copy(tags, a.Tags)
	a.Tags = tags
	return a
}

// Validate reports every invalid setting at once, each naming its config key
// and Go field and saying what to change. Zero values are valid: they take
// the defaults.
func (a *SecurePipelineArgs) Validate() error {
	if a == nil {
		return errors.New("secure pipeline: args are required; use ArgsFromConfig or build a SecurePipelineArgs")
	}
	if a.Environment == "" {
		return errors.New("secure pipeline: SecurePipelineArgs.Environment is empty; set it to the environment's name, usually ctx.Stack()")
	}
	r := a.withDefaults()
	var errs []error

	derived := fmt.Sprintf("; it defaults to %q from namePrefix and the stack name, so set a lowercase namePrefix or the name itself", r.NamePrefix+"-"+a.Environment+"-…")
	for _, n := range []struct{ key, field, value, set string }{
		{keyRawBucketName, "RawBucketName", r.RawBucketName, a.RawBucketName},
		{keyLogBucketName, "LogBucketName", r.LogBucketName, a.LogBucketName},
		{keyAccessLogBucketName, "AccessLogBucketName", r.AccessLogBucketName, a.AccessLogBucketName},
	} {
		if err := validateBucketName(n.key, n.value); err != nil {
			fix := fmt.Sprintf("run: pulumi config set %s <name>", n.key)
			if n.set == "" {
				fix += derived
			}
			errs = append(errs, fmt.Errorf("config %q (SecurePipelineArgs.%s): %w; %s", n.key, n.field, err, fix))
		}
	}
	if !trailNamePattern.MatchString(r.TrailName) {
		errs = append(errs, settingError(keyTrailName, "TrailName", fmt.Sprintf("%q", r.TrailName),
			"not a valid trail name", "use 3-128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit"))
	}
	bucketNames := map[string]bool{r.RawBucketName: true, r.LogBucketName: true, r.AccessLogBucketName: true, r.AthenaResultsBucketName: true}
	if len(bucketNames) != 4 {
		errs = append(errs, settingError(keyRawBucketName, "RawBucketName", fmt.Sprintf("%q", r.RawBucketName),
			"the raw, log, access-log and Athena results buckets must have four different names",
			"change rawBucketName, logBucketName, accessLogBucketName or athenaResultsBucketName"))
	}

	for _, d := range []struct {
		key, field string
		value      int
		min, max   int
	}{
		{keyKMSDeletionWindowDays, "KeyDeletionWindowDays", r.KeyDeletionWindowDays, 7, 30},
		{keyNoncurrentVersionExpirationDays, "NoncurrentVersionExpirationDays", r.NoncurrentVersionExpirationDays, 1, 0},
		{keyAbortIncompleteMultipartUploadDays, "AbortIncompleteMultipartUploadDays", r.AbortIncompleteMultipartUploadDays, 1, 0},
		{keyLogTransitionDays, "LogTransitionDays", r.LogTransitionDays, 1, 0},
		{keyLogExpirationDays, "LogExpirationDays", r.LogExpirationDays, 1, 0},
		{keyAccessLogExpirationDays, "AccessLogExpirationDays", r.AccessLogExpirationDays, 1, 0},
		{keyObjectLockDays, "ObjectLockDays", r.ObjectLockDays, 1, 0},
		{keyReceiptLockDays, "ReceiptLockDays", r.ReceiptLockDays, 1, 0},
	} {
		switch {
		case d.max > 0 && (d.value < d.min || d.value > d.max):
			errs = append(errs, settingError(d.key, d.field, d.value, fmt.Sprintf("must be between %d and %d days", d.min, d.max),
				fmt.Sprintf("run: pulumi config set %s %d", d.key, d.max)))
		case d.value < d.min:
			errs = append(errs, settingError(d.key, d.field, d.value, "must be a positive number of days",
				fmt.Sprintf("run: pulumi config set %s <days>, with days >= %d", d.key, d.min)))
		}
	}
	if r.LogExpirationDays <= r.LogTransitionDays {
		errs = append(errs, settingError(keyLogExpirationDays, "LogExpirationDays", r.LogExpirationDays,
			fmt.Sprintf("logs would expire before they move to archive storage after logTransitionDays (%d)", r.LogTransitionDays),
			"set logExpirationDays greater than logTransitionDays"))
	}
	if r.LogExpirationDays < r.ObjectLockDays {
		errs = append(errs, settingError(keyLogExpirationDays, "LogExpirationDays", r.LogExpirationDays,
			fmt.Sprintf("shorter than objectLockDays (%d), so locked logs could not expire", r.ObjectLockDays),
			"set logExpirationDays >= objectLockDays, or lower objectLockDays"))
	}
	if r.ObjectLockMode != ObjectLockGovernance && r.ObjectLockMode != ObjectLockCompliance {
		errs = append(errs, settingError(keyObjectLockMode, "ObjectLockMode", fmt.Sprintf("%q", r.ObjectLockMode),
			"not an Object Lock mode", fmt.Sprintf("accepted values are %s and %s (uppercase); run: pulumi config set %s %s",
				ObjectLockGovernance, ObjectLockCompliance, keyObjectLockMode, ObjectLockGovernance)))
	}
	if !functionNamePattern.MatchString(r.ProvenanceFunctionName) {
		errs = append(errs, settingError(keyProvenanceFunctionName, "ProvenanceFunctionName", fmt.Sprintf("%q", r.ProvenanceFunctionName),
			"not a usable function name", "use 1-56 letters, digits, '-' or '_' (the queues add up to 7 characters)"))
	}
	for _, n := range []struct {
		key, field string
		value      int
		min, max   int
		unit       string
	}{
		{keyFunctionMemoryMB, "FunctionMemoryMB", r.FunctionMemoryMB, 128, 10240, "MB"},
		{keyFunctionTimeoutSeconds, "FunctionTimeoutSeconds", r.FunctionTimeoutSeconds, 1, 900, "seconds"},
		{keyFunctionReservedConcurrency, "FunctionReservedConcurrency", *r.FunctionReservedConcurrency, -1, 1000000, "executions (-1 for none)"},
		{keyEventMaxConcurrency, "EventMaxConcurrency", r.EventMaxConcurrency, 2, 1000, "invocations"},
		{keyEventBatchSize, "EventBatchSize", r.EventBatchSize, 1, 10, "messages"},
		{keyMaxReceiveCount, "MaxReceiveCount", r.MaxReceiveCount, 1, 1000, "receives"},
		{keyVerifierSamplePercent, "VerifierSamplePercent", r.VerifierSamplePercent, 1, 100, "percent"},
	} {
		if n.value < n.min || n.value > n.max {
			errs = append(errs, settingError(n.key, n.field, n.value, fmt.Sprintf("must be %d to %d %s", n.min, n.max, n.unit),
				fmt.Sprintf("run: pulumi config set %s <value>", n.key)))
		}
	}
	if err := validateBucketName(keyAthenaResultsBucketName, r.AthenaResultsBucketName); err != nil {
		errs = append(errs, fmt.Errorf("config %q (SecurePipelineArgs.AthenaResultsBucketName): %w; run: pulumi config set %s <name>", keyAthenaResultsBucketName, err, keyAthenaResultsBucketName))
	}
	if !glueNamePattern.MatchString(r.GlueDatabaseName) {
		errs = append(errs, settingError(keyGlueDatabaseName, "GlueDatabaseName", fmt.Sprintf("%q", r.GlueDatabaseName),
			"not a Glue database name Athena can query unquoted", "use lower-case letters, digits and '_'"))
	}
	if !workgroupPattern.MatchString(r.AthenaWorkgroupName) {
		errs = append(errs, settingError(keyAthenaWorkgroupName, "AthenaWorkgroupName", fmt.Sprintf("%q", r.AthenaWorkgroupName),
			"not a workgroup name", "use 1-128 letters, digits, '.', '_' or '-'"))
	}
	if r.AthenaResultsExpirationDays < 1 {
		errs = append(errs, settingError(keyAthenaResultsExpirationDays, "AthenaResultsExpirationDays", r.AthenaResultsExpirationDays,
			"must be a positive number of days", "run: pulumi config set athenaResultsExpirationDays 30"))
	}
	if r.AthenaBytesScannedCutoffMiB < 10 {
		errs = append(errs, settingError(keyAthenaBytesScannedCutoffMiB, "AthenaBytesScannedCutoffMiB", r.AthenaBytesScannedCutoffMiB,
			"Athena's smallest cutoff is 10 MB", "run: pulumi config set athenaBytesScannedCutoffMib 10240"))
	}
	if _, err := time.Parse(projectionDateShape, r.ProjectionStartDate); err != nil {
		errs = append(errs, settingError(keyProjectionStartDate, "ProjectionStartDate", fmt.Sprintf("%q", r.ProjectionStartDate),
			"not a date written yyyy/MM/dd", "run: pulumi config set cloudtrailProjectionStartDate 2025/01/01"))
	}
	for _, region := range r.CloudTrailRegions {
		if !regionPattern.MatchString(region) {
			errs = append(errs, settingError(keyCloudTrailRegions, "CloudTrailRegions", fmt.Sprintf("%q", region),
				"not an AWS region name", "list regions separated by commas, for example: pulumi config set cloudtrailRegions eu-west-1,us-east-1"))
		}
	}
	if !slices.Contains(LogRetentionDays, r.LogRetentionDays) {
		errs = append(errs, settingError(keyLogRetentionDays, "LogRetentionDays", r.LogRetentionDays,
			fmt.Sprintf("CloudWatch Logs accepts only %v", LogRetentionDays), "run: pulumi config set logRetentionDays 365"))
	}
	if r.AlarmTopicARN != "" && !strings.HasPrefix(r.AlarmTopicARN, "arn:") {
		errs = append(errs, settingError(keyAlarmTopicARN, "AlarmTopicARN", fmt.Sprintf("%q", r.AlarmTopicARN),
			"not an SNS topic ARN", "set the topic's ARN (arn:aws:sns:<region>:<account>:<name>) or leave it empty"))
	}
	if !schedulePattern.MatchString(r.VerifierSchedule) {
		errs = append(errs, settingError(keyVerifierSchedule, "VerifierSchedule", fmt.Sprintf("%q", r.VerifierSchedule),
			"not an EventBridge schedule expression", "use for example: pulumi config set verifierSchedule 'rate(1 day)'"))
	}
	if !functionNamePattern.MatchString(r.ProvenanceFunctionName + "-v") {
		errs = append(errs, settingError(keyProvenanceFunctionName, "ProvenanceFunctionName", fmt.Sprintf("%q", r.ProvenanceFunctionName),
			"too long to name the verifier after it", "use at most 54 characters"))
	}
	if r.ReceiptLockMode != ObjectLockGovernance && r.ReceiptLockMode != ObjectLockCompliance {
		errs = append(errs, settingError(keyReceiptLockMode, "ReceiptLockMode", fmt.Sprintf("%q", r.ReceiptLockMode),
			"not an Object Lock mode", fmt.Sprintf("accepted values are %s and %s (uppercase); run: pulumi config set %s %s",
				ObjectLockGovernance, ObjectLockCompliance, keyReceiptLockMode, ObjectLockGovernance)))
	}
	for k := range a.Tags {
		if k == "" || strings.HasPrefix(strings.ToLower(k), "aws:") {
			errs = append(errs, settingError("(none)", "Tags", fmt.Sprintf("%q", k), "tag keys must be non-empty and must not start with \"aws:\"", "rename the tag"))
		}
	}
	return errors.Join(errs...)
}
