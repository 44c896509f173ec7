package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/caa304/secure-data-pipeline/components"
	"github.com/caa304/secure-data-pipeline/components/glueschema"
	"github.com/caa304/secure-data-pipeline/queries"
)

const (
	typeGlueDatabase    = "aws:glue/catalogDatabase:CatalogDatabase"
	typeGlueTable       = "aws:glue/catalogTable:CatalogTable"
	typeCatalogSettings = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
	typeWorkgroup       = "aws:athena/workgroup:Workgroup"
	typeNamedQuery      = "aws:athena/namedQuery:NamedQuery"
	databaseName        = "sdp_prod_audit"
)

// tableColumns reads a table's columns (or partition keys) as name:type.
func tableColumns(r registration, field string) []string {
	var out []string
	for _, c := range r.path(field).ArrayValue() {
		col := c.ObjectValue()
		out = append(out, col["name"].StringValue()+":"+col["type"].StringValue())
	}
	return out
}

func columnsOf(cols []glueschema.Column) []string {
	var out []string
	for _, c := range cols {
		out = append(out, c.Name+":"+c.Type)
	}
	return out
}

func TestTheCloudTrailTableProjectsRegionAndDayOverTheLogFolderNeverTheDigests(t *testing.T) {
	for _, c := range []struct {
		name    string
		config  map[string]string
		regions string
	}{
		{"for the stack's region by default", nil, testRegion},
		{"for the regions config lists", map[string]string{"cloudtrailRegions": "eu-west-1, us-east-1", "cloudtrailProjectionStartDate": "2026/03/01"}, "eu-west-1,us-east-1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := runProgram(t, runOptions{config: c.config})
			table := run.one(t, typeGlueTable, "pipeline-catalog-cloudtrail-table")
			location := "s3://" + logBucketName + "/AWSLogs/" + testAccountID + "/CloudTrail/"
			start := "2025/01/01"
			if c.config != nil {
				start = c.config["cloudtrailProjectionStartDate"]
			}
			for field, want := range map[string]string{
				"name": "cloudtrail_logs", "databaseName": databaseName, "tableType": "EXTERNAL_TABLE",
				"storageDescriptor.location":                       location,
				"storageDescriptor.inputFormat":                    "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
				"storageDescriptor.outputFormat":                   "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
				"storageDescriptor.serDeInfo.serializationLibrary": "org.apache.hive.hcatalog.data.JsonSerDe",
			} {
				if got := table.path(field).StringValue(); got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			params := table.path("parameters").ObjectValue()
			for k, want := range map[string]string{
				"projection.enabled": "true", "projection.region.type": "enum", "projection.region.values": c.regions,
				"projection.timestamp.type": "date", "projection.timestamp.format": "yyyy/MM/dd",
				"projection.timestamp.range": start + ",NOW", "projection.timestamp.interval": "1",
				"projection.timestamp.interval.unit": "DAYS",
				"storage.location.template":          location + "${region}/${timestamp}",
			} {
				if got := params[resourceKey(k)].StringValue(); got != want {
					t.Errorf("parameter %s = %q, want %q", k, got, want)
				}
			}
			if got, want := tableColumns(table, "partitionKeys"), []string{"region:string", "timestamp:string"}; !slices.Equal(got, want) {
				t.Errorf("partition keys = %v, want %v", got, want)
			}
			if got, want := tableColumns(table, "storageDescriptor.columns"), columnsOf(glueschema.CloudTrail); !slices.Equal(got, want) {
				t.Errorf("columns = %v,\nwant %v", got, want)
			}
		})
	}
}

func TestTheReceiptsTableHasAColumnForEveryReceiptField(t *testing.T) {
	table := runProgram(t, runOptions{}).one(t, typeGlueTable, "pipeline-catalog-receipts-table")
	for field, want := range map[string]string{
		"name": "provenance_receipts", "databaseName": databaseName,
		"storageDescriptor.location":                       "s3://" + rawBucketName + "/provenance/",
		"storageDescriptor.serDeInfo.serializationLibrary": "org.openx.data.jsonserde.JsonSerDe",
		"storageDescriptor.inputFormat":                    "org.apache.hadoop.mapred.TextInputFormat",
	} {
		if got := table.path(field).StringValue(); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	if got, want := tableColumns(table, "storageDescriptor.columns"), columnsOf(glueschema.Receipts()); !slices.Equal(got, want) {
		t.Errorf("columns = %v,\nwant %v", got, want)
	}
}

func TestTheWorkgroupEnforcesEncryptedResultsMetricsAndAScanCutoff_ATH_01_ATH_02_ATH_03_ATH_04(t *testing.T) {
	wg := runProgram(t, runOptions{config: map[string]string{"athenaBytesScannedCutoffMib": "20"}}).one(t, typeWorkgroup, "pipeline-catalog-workgroup")
	for field, want := range map[string]any{
		"name": "sdp-prod-audit",
		"configuration.enforceWorkgroupConfiguration":                                true,
		"configuration.publishCloudwatchMetricsEnabled":                              true,
		"configuration.bytesScannedCutoffPerQuery":                                   float64(20 << 20),
		"configuration.engineVersion.selectedEngineVersion":                          "Athena engine version 3",
		"configuration.resultConfiguration.outputLocation":                           "s3://" + resultsBucketName + "/",
		"configuration.resultConfiguration.expectedBucketOwner":                      testAccountID,
		"configuration.resultConfiguration.encryptionConfiguration.encryptionOption": "SSE_KMS",
		"configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn":        keyARN,
		"configuration.resultConfiguration.aclConfiguration.s3AclOption":             "BUCKET_OWNER_FULL_CONTROL",
	} {
		v := wg.path(field)
		var got any
		switch {
		case v.IsString():
			got = v.StringValue()
		case v.IsBool():
			got = v.BoolValue()
		case v.IsNumber():
			got = v.NumberValue()
		}
		if got != want {
			t.Errorf("%s = %v, want %v", field, got, want)
		}
	}
	if d := wg.path("description").StringValue(); d == "" {
		t.Error("the workgroup has no description (ATH-05)")
	}
}

func TestTheNamedQueriesAreTheShippedSQLRenderedForThisStack_ATH_05(t *testing.T) {
	run := runProgram(t, runOptions{})
	want, err := queries.Render(queries.Names{Database: databaseName, CloudTrailTable: "cloudtrail_logs",
		ReceiptsTable: "provenance_receipts", RawBucket: rawBucketName, IncomingPrefix: "incoming/"})
	if err != nil {
		t.Fatal(err)
	}
	got := run.ofType(typeNamedQuery)
	if len(got) != len(want) || len(want) != len(components.NamedQueryOutputs) {
		t.Fatalf("%d named queries, %d shipped statements, %d query outputs; want them equal", len(got), len(want), len(components.NamedQueryOutputs))
	}
	for _, q := range want {
		nq := run.one(t, typeNamedQuery, "pipeline-catalog-query-"+strings.ReplaceAll(q.Name, "_", "-"))
		if nq.path("query").StringValue() != q.SQL {
			t.Errorf("%s: saved query differs from the shipped SQL", q.Name)
		}
		if nq.path("name").StringValue() != q.Name || nq.path("database").StringValue() != databaseName || nq.path("workgroup").StringValue() != "sdp-prod-audit" {
			t.Errorf("%s: name %v database %v workgroup %v", q.Name, nq.path("name"), nq.path("database"), nq.path("workgroup"))
		}
		if d := nq.path("description").StringValue(); d == "" || len(d) > 1024 {
			t.Errorf("%s: description %q must be 1-1024 characters (ATH-05)", q.Name, d)
		}
		if !nq.dependsOn("pipeline-catalog-cloudtrail-table") || !nq.dependsOn("pipeline-catalog-receipts-table") {
			t.Errorf("%s does not wait for the tables it reads", q.Name)
		}
	}
}

func TestGlueCatalogEncryptionIsManagedOnlyWhenConfigSaysSo_GLU_01_CKV_AWS_94(t *testing.T) {
	if n := len(runProgram(t, runOptions{}).ofType(typeCatalogSettings)); n != 0 {
		t.Errorf("%d catalog encryption settings by default, want none: they are account-wide", n)
	}
	run := runProgram(t, runOptions{config: map[string]string{"manageGlueCatalogEncryption": "true"}})
	s := run.one(t, typeCatalogSettings, "pipeline-catalog-catalog-encryption")
	for field, want := range map[string]string{
		"dataCatalogEncryptionSettings.encryptionAtRest.catalogEncryptionMode":   "SSE-KMS",
		"dataCatalogEncryptionSettings.encryptionAtRest.sseAwsKmsKeyId":          keyARN,
		"dataCatalogEncryptionSettings.connectionPasswordEncryption.awsKmsKeyId": keyARN,
	} {
		if got := s.path(field).StringValue(); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	if v := s.path("dataCatalogEncryptionSettings.connectionPasswordEncryption.returnConnectionPasswordEncrypted"); !v.IsBool() || !v.BoolValue() {
		t.Errorf("returnConnectionPasswordEncrypted = %v, want true", v)
	}
}

func TestQueryResultsExpireAsConfigured(t *testing.T) {
	run := runProgram(t, runOptions{config: map[string]string{"athenaResultsExpirationDays": "7"}})
	lc := run.forBucket(t, typeLifecycle, resultsBucketName)
	var days []float64
	for _, r := range lc.path("rules").ArrayValue() {
		if e := r.ObjectValue()["expiration"]; e.IsObject() {
			days = append(days, e.ObjectValue()["days"].NumberValue())
		}
	}
	if !slices.Equal(days, []float64{7}) {
		t.Errorf("results expire after %v days, want [7]", days)
	}
}
