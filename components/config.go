package components

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// ArgsFromConfig reads the stack's configuration (see Pulumi.yaml for every
// key, its type and its default), applies the defaults and validates the
// result. Every problem is reported at once, each naming its config key and
// the command that fixes it. The environment is the stack name.
func ArgsFromConfig(ctx *pulumi.Context) (*SecurePipelineArgs, error) {
	cfg := config.New(ctx, "")
	return argsFromSettings(ctx.Stack(), func(key string) (string, bool) {
		v, err := cfg.Try(key)
		return v, err == nil
	})
}

// argsFromSettings builds args from a lookup of raw config values; a key that
// is not set takes its default.
func argsFromSettings(stack string, lookup func(key string) (string, bool)) (*SecurePipelineArgs, error) {
	r := settingsReader{lookup: lookup}
	args := SecurePipelineArgs{
		Environment:                        stack,
		NamePrefix:                         r.text(keyNamePrefix),
		RawBucketName:                      r.text(keyRawBucketName),
		LogBucketName:                      r.text(keyLogBucketName),
		AccessLogBucketName:                r.text(keyAccessLogBucketName),
		TrailName:                          r.text(keyTrailName),
		KeyDeletionWindowDays:              r.days(keyKMSDeletionWindowDays),
		NoncurrentVersionExpirationDays:    r.days(keyNoncurrentVersionExpirationDays),
		AbortIncompleteMultipartUploadDays: r.days(keyAbortIncompleteMultipartUploadDays),
		LogTransitionDays:                  r.days(keyLogTransitionDays),
		LogExpirationDays:                  r.days(keyLogExpirationDays),
		AccessLogExpirationDays:            r.days(keyAccessLogExpirationDays),
		ObjectLockMode:                     r.text(keyObjectLockMode),
		ObjectLockDays:                     r.days(keyObjectLockDays),
		RecordManagementEvents:             r.flag(keyRecordManagementEvents),
		Protect:                            r.flag(keyProtect),
		ProvenanceFunctionName:             r.text(keyProvenanceFunctionName),
		FunctionMemoryMB:                   r.positive(keyFunctionMemoryMB, "MB"),
		FunctionTimeoutSeconds:             r.positive(keyFunctionTimeoutSeconds, "seconds"),
		FunctionReservedConcurrency:        r.integer(keyFunctionReservedConcurrency),
		EventMaxConcurrency:                r.positive(keyEventMaxConcurrency, "invocations"),
		EventBatchSize:                     r.positive(keyEventBatchSize, "messages"),
		MaxReceiveCount:                    r.positive(keyMaxReceiveCount, "receives"),
		LogRetentionDays:                   r.days(keyLogRetentionDays),
		AlarmTopicARN:                      r.text(keyAlarmTopicARN),
		GlueDatabaseName:                   r.text(keyGlueDatabaseName),
		AthenaWorkgroupName:                r.text(keyAthenaWorkgroupName),
		AthenaResultsBucketName:            r.text(keyAthenaResultsBucketName),
		AthenaResultsExpirationDays:        r.days(keyAthenaResultsExpirationDays),
		AthenaBytesScannedCutoffMiB:        r.positive(keyAthenaBytesScannedCutoffMiB, "MiB"),
		CloudTrailRegions:                  r.list(keyCloudTrailRegions),
		ProjectionStartDate:                r.text(keyProjectionStartDate),
		ReceiptLockMode:                    r.text(keyReceiptLockMode),
		ReceiptLockDays:                    r.days(keyReceiptLockDays),
		VerifierSchedule:                   r.text(keyVerifierSchedule),
		VerifierSamplePercent:              r.positive(keyVerifierSamplePercent, "percent"),
	}
	if manage := r.flag(keyManageGlueCatalogEncryption); manage != nil {
		args.ManageGlueCatalogEncryption = *manage
	}
	if force := r.flag(keyForceDestroy); force != nil {
		args.ForceDestroy = *force
	}
	// Unparsable values were left at their defaults, so validation still
	// finds every other problem in the same run.
	if err := errors.Join(append(r.errs, args.Validate())...); err != nil {
		return nil, err
	}
	resolved := args.withDefaults()
	return &resolved, nil
}

// settingsReader parses raw config values, collecting one error per bad key
// so that a stack's owner sees every problem in one run.
type settingsReader struct {
	lookup func(key string) (string, bool)
	errs   []error
}

func (r *settingsReader) text(key string) string {
	v, _ := r.lookup(key)
	return v
}

// days parses a whole number of days, 1 or more.
func (r *settingsReader) days(key string) int { return r.positive(key, "days") }

// positive parses a whole number, 1 or more. Zero is refused here, although
// it means "default" in SecurePipelineArgs: a stack that says 0 means 0.
func (r *settingsReader) positive(key, unit string) int {
	v, ok := r.lookup(key)
	if !ok || v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		r.errs = append(r.errs, fmt.Errorf("config %q = %q: must be a whole number of %s, 1 or more; run: pulumi config set %s <%s>", key, v, unit, key, unit))
		return 0
	}
	return n
}

// integer parses any whole number; nil when the key is not set.
func (r *settingsReader) integer(key string) *int {
	v, ok := r.lookup(key)
	if !ok || v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("config %q = %q: must be a whole number; run: pulumi config set %s <number>", key, v, key))
		return nil
	}
	return &n
}

// list reads a comma-separated list; nil when the key is not set or empty.
func (r *settingsReader) list(key string) []string {
	v, _ := r.lookup(key)
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (r *settingsReader) flag(key string) *bool {
	v, ok := r.lookup(key)
	if !ok || v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("config %q = %q: must be true or false; run: pulumi config set %s true", key, v, key))
		return nil
	}
	return &b
}
