package components

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/outputs"
)

// SecurePipelineType is the type token of SecurePipeline. It is part of
// every resource's URN: changing it replaces the whole pipeline.
const SecurePipelineType = "secure-data-pipeline:index:SecurePipeline"

// SecurePipeline is one environment's secure ingestion pipeline: the key,
// the access-log bucket, the raw bucket and the audit trail.
type SecurePipeline struct {
	pulumi.ResourceState

	// Key encrypts the raw bucket, the trail's logs and the log bucket.
	Key *PipelineKey
	// AccessLogs receives the server access logs of the other buckets.
	AccessLogs *AccessLogBucket
	// Raw is the bucket files arrive in.
	Raw *RawBucket
	// Audit is the trail and its log bucket.
	Audit *AuditTrail
	// Provenance records every new object under the incoming prefix.
	Provenance *ProvenanceFunction
	// Catalog makes the trail and the receipts queryable in Athena.
	Catalog *AuditCatalog
	// Verifier re-verifies receipts on a schedule and signs daily digests.
	Verifier *ReceiptVerifier

	outputs map[string]pulumi.StringOutput
}

// NewSecurePipeline creates the pipeline. Zero fields of args take their
// defaults; invalid ones fail before anything is registered.
func NewSecurePipeline(ctx *pulumi.Context, name string, args *SecurePipelineArgs, opts ...pulumi.ResourceOption) (*SecurePipeline, error) {
	if err := args.Validate(); err != nil {
		return nil, err
	}
	a := args.withDefaults()
	c := &SecurePipeline{}
	if err := ctx.RegisterComponentResource(SecurePipelineType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	account, err := LookupAccount(ctx, parent)
	if err != nil {
		return nil, err
	}

	code := a.ProvenanceArchive
	if code == nil {
		if code, err = functionArchive(ctx, ProvenancePackage); err != nil {
			return nil, err
		}
	}
	provenanceArgs := &ProvenanceFunctionArgs{
		FunctionName:     a.ProvenanceFunctionName,
		Account:          account,
		RawBucketName:    a.RawBucketName,
		IncomingPrefix:   IncomingPrefix,
		Code:             code,
		MemoryMB:         a.FunctionMemoryMB,
		TimeoutSeconds:   a.FunctionTimeoutSeconds,
		MaxConcurrency:   a.EventMaxConcurrency,
		BatchSize:        a.EventBatchSize,
		MaxReceiveCount:  a.MaxReceiveCount,
		LogRetentionDays: a.LogRetentionDays,
		AlarmTopicARN:    a.AlarmTopicARN,
		Tags:             a.Tags,

		ReservedConcurrency: *a.FunctionReservedConcurrency,
		ReceiptLockMode:     a.ReceiptLockMode,
		ReceiptLockDays:     a.ReceiptLockDays,
	}

	protection := DataProtection{
		NoncurrentVersionExpirationDays:    a.NoncurrentVersionExpirationDays,
		AbortIncompleteMultipartUploadDays: a.AbortIncompleteMultipartUploadDays,
		ForceDestroy:                       a.ForceDestroy,
		Protect:                            *a.Protect,
		Tags:                               a.Tags,
	}
	verifierName := a.ProvenanceFunctionName + "-v"
	verifierLogGroup := "/aws/lambda/" + verifierName

	c.Key, err = NewPipelineKey(ctx, name+"-key", &PipelineKeyArgs{
		Alias:              "alias/" + a.NamePrefix + "-" + a.Environment,
		Description:        "secure-data-pipeline " + a.Environment + ": raw data, CloudTrail logs and log bucket",
		Account:            account,
		TrailName:          a.TrailName,
		NotifyingBuckets:   []string{a.RawBucketName},
		LogGroups:          []string{provenanceArgs.LogGroupName(), verifierLogGroup},
		DeletionWindowDays: a.KeyDeletionWindowDays,
		Protect:            *a.Protect,
		Tags:               a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	c.AccessLogs, err = NewAccessLogBucket(ctx, name+"-access-logs", &AccessLogBucketArgs{
		BucketName:     a.AccessLogBucketName,
		Account:        account,
		SourceBuckets:  []string{a.RawBucketName, a.LogBucketName, a.AthenaResultsBucketName},
		ExpirationDays: a.AccessLogExpirationDays,
		DataProtection: protection,
	}, parent)
	if err != nil {
		return nil, err
	}

	c.Raw, err = NewRawBucket(ctx, name+"-raw", &RawBucketArgs{
		BucketName:      a.RawBucketName,
		Account:         account,
		KMSKeyARN:       c.Key.KeyARN,
		AccessLogBucket: c.AccessLogs.BucketName,
		Prefixes:        []string{IncomingPrefix, ProcessedPrefix, TestPrefix},
		ObjectLock:      true,
		DataProtection:  protection,
	}, parent)
	if err != nil {
		return nil, err
	}

	c.Audit, err = NewAuditTrail(ctx, name+"-audit", &AuditTrailArgs{
		TrailName:              a.TrailName,
		LogBucketName:          a.LogBucketName,
		Account:                account,
		KMSKeyARN:              c.Key.KeyARN,
		DataEventBucketNames:   []string{a.RawBucketName},
		RecordManagementEvents: *a.RecordManagementEvents,
		AccessLogBucket:        c.AccessLogs.BucketName,
		ObjectLockMode:         a.ObjectLockMode,
		ObjectLockDays:         a.ObjectLockDays,
		TransitionDays:         a.LogTransitionDays,
		ExpirationDays:         a.LogExpirationDays,
		DataProtection:         protection,
	}, parent)
	if err != nil {
		return nil, err
	}

	provenanceArgs.KMSKeyARN = c.Key.KeyARN
	provenanceArgs.RawBucketID = c.Raw.Bucket.ID()
	c.Provenance, err = NewProvenanceFunction(ctx, name+"-provenance", provenanceArgs, parent)
	if err != nil {
		return nil, err
	}

	regions := a.CloudTrailRegions
	if len(regions) == 0 {
		regions = []string{account.Region}
	}
	c.Catalog, err = NewAuditCatalog(ctx, name+"-catalog", &AuditCatalogArgs{
		DatabaseName:            a.GlueDatabaseName,
		WorkgroupName:           a.AthenaWorkgroupName,
		Account:                 account,
		LogBucketName:           a.LogBucketName,
		RawBucketName:           a.RawBucketName,
		IncomingPrefix:          IncomingPrefix,
		Regions:                 regions,
		ProjectionStartDate:     a.ProjectionStartDate,
		KMSKeyARN:               c.Key.KeyARN,
		ResultsBucketName:       a.AthenaResultsBucketName,
		ResultsExpirationDays:   a.AthenaResultsExpirationDays,
		BytesScannedCutoff:      a.AthenaBytesScannedCutoffMiB << 20,
		AccessLogBucket:         c.AccessLogs.BucketName,
		ManageCatalogEncryption: a.ManageGlueCatalogEncryption,
		DataProtection:          protection,
	}, parent)
	if err != nil {
		return nil, err
	}

	verifierCode := a.VerifierArchive
	if verifierCode == nil {
		if verifierCode, err = functionArchive(ctx, VerifierPackage); err != nil {
			return nil, err
		}
	}
	c.Verifier, err = NewReceiptVerifier(ctx, name+"-verifier", &ReceiptVerifierArgs{
		FunctionName:       verifierName,
		Account:            account,
		RawBucketName:      a.RawBucketName,
		IncomingPrefix:     IncomingPrefix,
		KMSKeyARN:          c.Key.KeyARN,
		Code:               verifierCode,
		Schedule:           a.VerifierSchedule,
		SamplePercent:      a.VerifierSamplePercent,
		LogRetentionDays:   a.LogRetentionDays,
		DigestKeyAlias:     "alias/" + a.NamePrefix + "-" + a.Environment + "-digests",
		DeletionWindowDays: a.KeyDeletionWindowDays,
		AlarmTopicARN:      a.AlarmTopicARN,
		Protect:            *a.Protect,
		Tags:               a.Tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	c.outputs = map[string]pulumi.StringOutput{
		OutputKMSKeyARN:              c.Key.KeyARN,
		OutputKMSKeyAlias:            c.Key.AliasName,
		OutputRawBucketName:          c.Raw.BucketName,
		OutputRawBucketARN:           c.Raw.BucketARN,
		OutputLogBucketName:          c.Audit.LogBucketName,
		OutputAccessLogBucketName:    c.AccessLogs.BucketName,
		OutputTrailARN:               c.Audit.TrailARN,
		OutputTrailName:              c.Audit.TrailName,
		OutputIncomingPrefix:         pulumi.String(IncomingPrefix).ToStringOutput(),
		OutputProvenanceFunction:     c.Provenance.FunctionName,
		OutputProvenanceARN:          c.Provenance.FunctionARN,
		OutputEventQueueURL:          c.Provenance.QueueURL,
		OutputDeadLetterQueueURL:     c.Provenance.DeadLetterQueueURL,
		OutputProvenancePrefix:       pulumi.String(ProvenancePrefix).ToStringOutput(),
		OutputGlueDatabase:           c.Catalog.DatabaseName,
		OutputCloudTrailTable:        c.Catalog.CloudTrailTableName,
		OutputReceiptsTable:          c.Catalog.ReceiptsTableName,
		OutputAthenaWorkgroup:        c.Catalog.WorkgroupName,
		OutputAthenaResultsBucket:    c.Catalog.ResultsBucketName,
		outputs.ReportsTableName:     c.Catalog.ReportsTableName,
		outputs.VerifierFunctionName: c.Verifier.FunctionName,
		outputs.DigestKeyARN:         c.Verifier.DigestKeyARN,
	}
	for query, id := range c.Catalog.NamedQueryIDs {
		output, ok := NamedQueryOutputs[query]
		if !ok {
			return nil, fmt.Errorf("secure pipeline: query %s has no stack output; add it to NamedQueryOutputs", query)
		}
		c.outputs[output] = id
	}
	registered := pulumi.Map{}
	for k, v := range c.outputs {
		registered[k] = v
	}
	return c, ctx.RegisterResourceOutputs(c, registered)
}

// Outputs returns the pipeline's stack outputs by name (see the Output*
// constants).
func (p *SecurePipeline) Outputs() map[string]pulumi.StringOutput {
	out := make(map[string]pulumi.StringOutput, len(p.outputs))
	for k, v := range p.outputs {
		out[k] = v
	}
	return out
}

// Export makes the pipeline's outputs the stack's outputs, the contract
// other teams read through stack references.
func (p *SecurePipeline) Export(ctx *pulumi.Context) error {
	names := make([]string, 0, len(p.outputs))
	for k := range p.outputs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		ctx.Export(k, p.outputs[k])
	}
	return nil
}
