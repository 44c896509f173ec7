// Package outputs is the contract between a secure-data-pipeline stack and
// the teams that build on it: the names of the stack outputs, a typed view of
// them, and a helper that reads them through a stack reference.
//
// Names are only ever added. Renaming or removing one breaks every stack
// that reads it, so a change to an existing name is a new name beside the
// old one, and the old one stays.
package outputs

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Stack output names.
const (
	KMSKeyARN              = "kmsKeyArn"
	KMSKeyAlias            = "kmsKeyAlias"
	RawBucketName          = "rawBucketName"
	RawBucketARN           = "rawBucketArn"
	LogBucketName          = "logBucketName"
	AccessLogBucketName    = "accessLogBucketName"
	TrailARN               = "trailArn"
	TrailName              = "trailName"
	IncomingPrefix         = "incomingPrefix"
	ProvenanceFunctionName = "provenanceFunctionName"
	ProvenanceFunctionARN  = "provenanceFunctionArn"
	EventQueueURL          = "eventQueueUrl"
	DeadLetterQueueURL     = "deadLetterQueueUrl"
	ProvenancePrefix       = "provenancePrefix"
	GlueDatabaseName       = "glueDatabaseName"
	CloudTrailTableName    = "cloudtrailTableName"
	ReceiptsTableName      = "receiptsTableName"
	AthenaWorkgroupName    = "athenaWorkgroupName"
	AthenaResultsBucket    = "athenaResultsBucketName"
	FlattenedViewQueryID   = "flattenedViewQueryId"
	LedgerViewQueryID      = "ledgerViewQueryId"
	ValidationQueryID      = "validationQueryId"
	ChainOfCustodyQueryID  = "chainOfCustodyQueryId"
	ReportsTableName       = "reportsTableName"
	VerifierFunctionName   = "verifierFunctionName"
	DigestKeyARN           = "digestKeyArn"
)

// NamedQueries maps each shipped query (its .sql file name in package
// queries) to the output that holds its Athena named query id.
var NamedQueries = map[string]string{
	"create_cloudtrail_s3_events_flattened": FlattenedViewQueryID,
	"create_provenance_ledger":              LedgerViewQueryID,
	"validate_recent_uploads":               ValidationQueryID,
	"chain_of_custody":                      ChainOfCustodyQueryID,
}

// Pipeline is a stack's outputs, typed. Every field is a string output.
type Pipeline struct {
	KMSKeyARN              pulumi.StringOutput
	KMSKeyAlias            pulumi.StringOutput
	RawBucketName          pulumi.StringOutput
	RawBucketARN           pulumi.StringOutput
	LogBucketName          pulumi.StringOutput
	AccessLogBucketName    pulumi.StringOutput
	TrailARN               pulumi.StringOutput
	TrailName              pulumi.StringOutput
	IncomingPrefix         pulumi.StringOutput
	ProvenanceFunctionName pulumi.StringOutput
	ProvenanceFunctionARN  pulumi.StringOutput
	EventQueueURL          pulumi.StringOutput
	DeadLetterQueueURL     pulumi.StringOutput
	ProvenancePrefix       pulumi.StringOutput
	GlueDatabaseName       pulumi.StringOutput
	CloudTrailTableName    pulumi.StringOutput
	ReceiptsTableName      pulumi.StringOutput
	AthenaWorkgroupName    pulumi.StringOutput
	AthenaResultsBucket    pulumi.StringOutput
	FlattenedViewQueryID   pulumi.StringOutput
	LedgerViewQueryID      pulumi.StringOutput
	ValidationQueryID      pulumi.StringOutput
	ChainOfCustodyQueryID  pulumi.StringOutput
	ReportsTableName       pulumi.StringOutput
	VerifierFunctionName   pulumi.StringOutput
	DigestKeyARN           pulumi.StringOutput
}

// fields pairs every output name with its field, in one place.
func (p *Pipeline) fields() map[string]*pulumi.StringOutput {
	return map[string]*pulumi.StringOutput{
		KMSKeyARN: &p.KMSKeyARN, KMSKeyAlias: &p.KMSKeyAlias, RawBucketName: &p.RawBucketName, RawBucketARN: &p.RawBucketARN,
		LogBucketName: &p.LogBucketName, AccessLogBucketName: &p.AccessLogBucketName, TrailARN: &p.TrailARN, TrailName: &p.TrailName,
		IncomingPrefix: &p.IncomingPrefix, ProvenanceFunctionName: &p.ProvenanceFunctionName, ProvenanceFunctionARN: &p.ProvenanceFunctionARN,
		EventQueueURL: &p.EventQueueURL, DeadLetterQueueURL: &p.DeadLetterQueueURL, ProvenancePrefix: &p.ProvenancePrefix,
		GlueDatabaseName: &p.GlueDatabaseName, CloudTrailTableName: &p.CloudTrailTableName, ReceiptsTableName: &p.ReceiptsTableName,
		AthenaWorkgroupName: &p.AthenaWorkgroupName, AthenaResultsBucket: &p.AthenaResultsBucket,
		FlattenedViewQueryID: &p.FlattenedViewQueryID, LedgerViewQueryID: &p.LedgerViewQueryID,
		ValidationQueryID: &p.ValidationQueryID, ChainOfCustodyQueryID: &p.ChainOfCustodyQueryID,
		ReportsTableName: &p.ReportsTableName, VerifierFunctionName: &p.VerifierFunctionName, DigestKeyARN: &p.DigestKeyARN,
	}
}

// Names lists every output name of the contract.
func Names() []string {
	var p Pipeline
	names := make([]string, 0, len(p.fields()))
	for n := range p.fields() {
		names = append(names, n)
	}
	return names
}

// Read reads a pipeline stack's outputs through a stack reference, for
// example Read(ctx, "acme/secure-data-pipeline/prod"). Each field resolves
// when the referenced stack's outputs do; a missing output fails the
// program with an error naming it rather than yielding an empty string.
func Read(ctx *pulumi.Context, stack string, opts ...pulumi.ResourceOption) (*Pipeline, error) {
	if stack == "" {
		return nil, fmt.Errorf("outputs: stack is empty; name the pipeline stack as <org>/<project>/<stack>")
	}
	ref, err := pulumi.NewStackReference(ctx, "secure-data-pipeline-"+stack, &pulumi.StackReferenceArgs{Name: pulumi.String(stack)}, opts...)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{}
	for name, field := range p.fields() {
		*field = ref.GetOutput(pulumi.String(name)).ApplyT(func(v any) (string, error) {
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("outputs: stack %s has no string output %q; is it a secure-data-pipeline stack of a recent version?", stack, name)
			}
			return s, nil
		}).(pulumi.StringOutput)
	}
	return p, nil
}
