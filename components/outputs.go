package components

import "github.com/caa304/secure-data-pipeline/components/outputs"

// Stack output names, the contract other teams read through stack references.
// They are defined in package outputs, which consumers import on their own.
const (
	OutputKMSKeyARN           = outputs.KMSKeyARN
	OutputKMSKeyAlias         = outputs.KMSKeyAlias
	OutputRawBucketName       = outputs.RawBucketName
	OutputRawBucketARN        = outputs.RawBucketARN
	OutputLogBucketName       = outputs.LogBucketName
	OutputAccessLogBucketName = outputs.AccessLogBucketName
	OutputTrailARN            = outputs.TrailARN
	OutputTrailName           = outputs.TrailName
	OutputIncomingPrefix      = outputs.IncomingPrefix
	OutputProvenanceFunction  = outputs.ProvenanceFunctionName
	OutputProvenanceARN       = outputs.ProvenanceFunctionARN
	OutputEventQueueURL       = outputs.EventQueueURL
	OutputDeadLetterQueueURL  = outputs.DeadLetterQueueURL
	OutputProvenancePrefix    = outputs.ProvenancePrefix
	OutputGlueDatabase        = outputs.GlueDatabaseName
	OutputCloudTrailTable     = outputs.CloudTrailTableName
	OutputReceiptsTable       = outputs.ReceiptsTableName
	OutputAthenaWorkgroup     = outputs.AthenaWorkgroupName
	OutputAthenaResultsBucket = outputs.AthenaResultsBucket
)

// NamedQueryOutputs maps each shipped query to the stack output that holds
// its Athena named query id.
var NamedQueryOutputs = outputs.NamedQueries
