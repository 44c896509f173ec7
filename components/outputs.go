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
)
