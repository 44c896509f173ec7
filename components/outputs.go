package components

// Stack output names. Other teams read these through stack references, so a
// name is only ever added, never renamed or removed.
const (
	OutputKMSKeyARN           = "kmsKeyArn"
	OutputKMSKeyAlias         = "kmsKeyAlias"
	OutputRawBucketName       = "rawBucketName"
	OutputRawBucketARN        = "rawBucketArn"
	OutputLogBucketName       = "logBucketName"
	OutputAccessLogBucketName = "accessLogBucketName"
	OutputTrailARN            = "trailArn"
	OutputTrailName           = "trailName"
	OutputIncomingPrefix      = "incomingPrefix"
	OutputProvenanceFunction  = "provenanceFunctionName"
	OutputProvenanceARN       = "provenanceFunctionArn"
	OutputEventQueueURL       = "eventQueueUrl"
	OutputDeadLetterQueueURL  = "deadLetterQueueUrl"
	OutputProvenancePrefix    = "provenancePrefix"
	OutputGlueDatabase        = "glueDatabaseName"
	OutputCloudTrailTable     = "cloudtrailTableName"
	OutputReceiptsTable       = "receiptsTableName"
	OutputAthenaWorkgroup     = "athenaWorkgroupName"
	OutputAthenaResultsBucket = "athenaResultsBucketName"
)

// NamedQueryOutputs maps each shipped query (its .sql file name in package
// queries) to the stack output that holds its Athena named query id.
var NamedQueryOutputs = map[string]string{
	"create_cloudtrail_s3_events_flattened": "flattenedViewQueryId",
	"create_provenance_ledger":              "ledgerViewQueryId",
	"validate_recent_uploads":               "validationQueryId",
	"chain_of_custody":                      "chainOfCustodyQueryId",
}
