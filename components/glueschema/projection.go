package glueschema

import (
	"fmt"
	"strings"
)

// Formats of the CloudTrail table's storage.
const (
	CloudTrailInputFormat  = "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
	HiveOutputFormat       = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
	HCatalogJSONSerDe      = "org.apache.hive.hcatalog.data.JsonSerDe"
	TextInputFormat        = "org.apache.hadoop.mapred.TextInputFormat"
	OpenXJSONSerDe         = "org.openx.data.jsonserde.JsonSerDe"
	ProjectionDateFormat   = "yyyy/MM/dd"
	ProjectionDateInterval = "1"
	ProjectionDateUnit     = "DAYS"
)

// CloudTrailLocation is where a trail without a key prefix writes the log
// files of one account: never its digest files, which live beside it in
// CloudTrail-Digest/.
func CloudTrailLocation(bucket, account string) string {
	return fmt.Sprintf("s3://%s/AWSLogs/%s/CloudTrail/", bucket, account)
}

// CloudTrailParameters are the table parameters that make Athena project
// the region and date partitions from the key layout instead of a crawler or
// ADD PARTITION: a new day's logs are queryable the moment they land, so the
// table can never go stale.
func CloudTrailParameters(bucket, account string, regions []string, startDate string) map[string]string {
	return map[string]string{
		"EXTERNAL":                           "TRUE",
		"classification":                     "cloudtrail",
		"projection.enabled":                 "true",
		"projection.region.type":             "enum",
		"projection.region.values":           strings.Join(regions, ","),
		"projection.timestamp.type":          "date",
		"projection.timestamp.format":        ProjectionDateFormat,
		"projection.timestamp.range":         startDate + ",NOW",
		"projection.timestamp.interval":      ProjectionDateInterval,
		"projection.timestamp.interval.unit": ProjectionDateUnit,
		"storage.location.template":          CloudTrailLocation(bucket, account) + "${region}/${timestamp}",
	}
}

// ReceiptsLocation is where the provenance function writes receipts.
func ReceiptsLocation(bucket, receiptPrefix string) string {
	return fmt.Sprintf("s3://%s/%s", bucket, receiptPrefix)
}

// ReportsParameters project the reports table's day partition from the key
// layout provenance-reports/yyyy/MM/dd/.
func ReportsParameters(bucket, prefix, startDate string) map[string]string {
	return map[string]string{
		"EXTERNAL":                     "TRUE",
		"classification":               "json",
		"projection.enabled":           "true",
		"projection.day.type":          "date",
		"projection.day.format":        ProjectionDateFormat,
		"projection.day.range":         startDate + ",NOW",
		"projection.day.interval":      ProjectionDateInterval,
		"projection.day.interval.unit": ProjectionDateUnit,
		"storage.location.template":    fmt.Sprintf("s3://%s/%s${day}", bucket, prefix),
	}
}
