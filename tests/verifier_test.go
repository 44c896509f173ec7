package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/caa304/secure-data-pipeline/components/glueschema"
)

const (
	verifierName  = functionName + "-v"
	digestKeyName = "pipeline-verifier-digest-key"
	digestKeyARN  = "arn:aws:kms:" + testRegion + ":" + testAccountID + ":key/" + digestKeyName
)

func TestTheDigestKeyIsAnAsymmetricSigningKeyOnlyTheAccountAdministers_KMS_02_KMS_03(t *testing.T) {
	key := runProgram(t, runOptions{}).one(t, typeKey, digestKeyName)
	if key.path("keyUsage").StringValue() != "SIGN_VERIFY" || key.path("customerMasterKeySpec").StringValue() != "ECC_NIST_P256" {
		t.Errorf("key usage %v spec %v, want SIGN_VERIFY ECC_NIST_P256", key.path("keyUsage"), key.path("customerMasterKeySpec"))
	}
	stmts := parsePolicy(t, key)
	if len(stmts) != 1 || !slices.Equal(stmts[0].AWS, []string{rootPrincipalARN}) {
		t.Errorf("key policy = %+v, want only account administration", stmts)
	}
}

func TestTheVerifierRoleReadsWhatItVerifiesAndWritesOnlyReportsAndDigests_SH_IAM_21(t *testing.T) {
	run := runProgram(t, runOptions{})
	got := map[string]string{}
	for _, s := range parsePolicy(t, run.one(t, typeRolePolicy, "pipeline-verifier-role-policy")) {
		got[strings.Join(s.Action, " ")] = strings.Join(s.Resource, " ")
		for _, a := range s.Action {
			if strings.Contains(a, "*") || a == "s3:BypassGovernanceRetention" || a == "s3:DeleteObject" {
				t.Errorf("statement %q grants %s", s.Sid, a)
			}
		}
	}
	want := map[string]string{
		"s3:GetObject s3:GetObjectVersion":       rawBucketARN + "/incoming/* " + rawBucketARN + "/provenance/* " + rawBucketARN + "/provenance-digests/*",
		"s3:ListBucket s3:ListBucketVersions":    rawBucketARN,
		"s3:PutObject":                           rawBucketARN + "/provenance-reports/* " + rawBucketARN + "/provenance-digests/*",
		"kms:Decrypt kms:GenerateDataKey":        keyARN,
		"kms:Sign":                               digestKeyARN,
		"logs:CreateLogStream logs:PutLogEvents": logGroupARN + "-v:log-stream:*",
	}
	if len(got) != len(want) {
		t.Errorf("grants = %v, want %v", got, want)
	}
	for actions, resources := range want {
		if got[actions] != resources {
			t.Errorf("%s on %q, want %q", actions, got[actions], resources)
		}
	}
}

func TestTheVerifierRunsOnItsScheduleOnlyWhenEventBridgeInvokesIt_SH_Lambda_1(t *testing.T) {
	run := runProgram(t, runOptions{config: map[string]string{"verifierSchedule": "cron(0 3 * * ? *)", "verifierSamplePercent": "25"}})
	rule := run.one(t, "aws:cloudwatch/eventRule:EventRule", "pipeline-verifier-schedule")
	if got := rule.path("scheduleExpression").StringValue(); got != "cron(0 3 * * ? *)" {
		t.Errorf("schedule = %q", got)
	}
	perm := run.one(t, "aws:lambda/permission:Permission", "pipeline-verifier-schedule-permission")
	if perm.path("principal").StringValue() != "events.amazonaws.com" || perm.path("sourceAccount").StringValue() != testAccountID || !perm.dependsOn("pipeline-verifier-schedule") {
		t.Errorf("permission = %v, want events.amazonaws.com from this account's rule only", perm.Inputs)
	}
	fn := run.one(t, typeFunction, "pipeline-verifier-function")
	for k, want := range map[string]string{"BUCKET": rawBucketName, "SAMPLE_PERCENT": "25", "DIGEST_KEY_ID": digestKeyARN} {
		if got := fn.path("environment.variables." + k).StringValue(); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if fn.path("runtime").StringValue() != "provided.al2023" || fn.path("architectures[0]").StringValue() != "arm64" || fn.path("name").StringValue() != verifierName {
		t.Errorf("function = %v", fn.Inputs)
	}
}

func TestAnyVerificationProblemRaisesTheIntegrityAlarm(t *testing.T) {
	run := runProgram(t, runOptions{})
	filter := run.one(t, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "pipeline-verifier-problems")
	if filter.path("logGroupName").StringValue() != "/aws/lambda/"+verifierName || filter.path("pattern").StringValue() != `{ $.msg = "verdict" }` {
		t.Errorf("metric filter = %v", filter.Inputs)
	}
	alarm := run.one(t, typeAlarm, "pipeline-verifier-integrity-alarm")
	if alarm.path("metricName").StringValue() != filter.path("metricTransformation.name").StringValue() || alarm.path("threshold").NumberValue() != 0 {
		t.Errorf("alarm = %v, want the filter's metric above 0", alarm.Inputs)
	}
}

func TestTheReportsTableProjectsDaysOverTheReports(t *testing.T) {
	table := runProgram(t, runOptions{}).one(t, typeGlueTable, "pipeline-catalog-reports-table")
	if table.path("storageDescriptor.location").StringValue() != "s3://"+rawBucketName+"/provenance-reports/" {
		t.Errorf("location = %v", table.path("storageDescriptor.location"))
	}
	params := table.path("parameters").ObjectValue()
	if params["storage.location.template"].StringValue() != "s3://"+rawBucketName+"/provenance-reports/${day}" || params["projection.day.format"].StringValue() != "yyyy/MM/dd" {
		t.Errorf("parameters = %v", params)
	}
	if got, want := tableColumns(table, "storageDescriptor.columns"), columnsOf(glueschema.Reports()); !slices.Equal(got, want) {
		t.Errorf("columns = %v, want %v", got, want)
	}
}
