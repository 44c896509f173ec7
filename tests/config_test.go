package tests

import (
	"strings"
	"testing"
)

func TestBadConfigFailsBeforeAnythingIsCreatedWithAnErrorThatNamesTheKeyAndTheFix(t *testing.T) {
	for _, c := range []struct {
		name   string
		config map[string]string
		want   []string
	}{
		{"an uppercase bucket name", map[string]string{"rawBucketName": "Raw_Data"},
			[]string{`config "rawBucketName"`, "lowercase letters, digits and hyphens", "pulumi config set rawBucketName"}},
		{"a dotted bucket name", map[string]string{"logBucketName": "logs.example.com"},
			[]string{`config "logBucketName"`, "contains a dot"}},
		{"a name prefix that makes invalid bucket names", map[string]string{"namePrefix": "Caa304"},
			[]string{`config "rawBucketName"`, "namePrefix"}},
		{"the same name for two buckets", map[string]string{"rawBucketName": "same-name", "logBucketName": "same-name"},
			[]string{"four different names"}},
		{"an invalid trail name", map[string]string{"trailName": "-trail"},
			[]string{`config "trailName"`, "letters, digits"}},
		{"an unknown lock mode", map[string]string{"objectLockMode": "governance"},
			[]string{`config "objectLockMode"`, "GOVERNANCE and COMPLIANCE", "pulumi config set objectLockMode GOVERNANCE"}},
		{"a negative retention", map[string]string{"objectLockDays": "-1"},
			[]string{`config "objectLockDays"`, "1 or more"}},
		{"a zero retention", map[string]string{"noncurrentVersionExpirationDays": "0"},
			[]string{`config "noncurrentVersionExpirationDays"`, "1 or more"}},
		{"days that are not a number", map[string]string{"accessLogExpirationDays": "a year"},
			[]string{`config "accessLogExpirationDays"`, "whole number of days"}},
		{"a deletion window AWS refuses", map[string]string{"kmsDeletionWindowDays": "45"},
			[]string{`config "kmsDeletionWindowDays"`, "between 7 and 30"}},
		{"logs that expire while still locked", map[string]string{"logExpirationDays": "200"},
			[]string{`config "logExpirationDays"`, "objectLockDays (365)"}},
		{"logs that expire before they are archived", map[string]string{"logTransitionDays": "400", "objectLockDays": "30", "logExpirationDays": "300"},
			[]string{`config "logExpirationDays"`, "logTransitionDays (400)"}},
		{"a flag that is not a boolean", map[string]string{"forceDestroy": "yes"},
			[]string{`config "forceDestroy"`, "true or false"}},
		{"an unknown log retention", map[string]string{"logRetentionDays": "100"},
			[]string{`config "logRetentionDays"`, "CloudWatch Logs accepts only"}},
		{"a projection start that is not a date", map[string]string{"cloudtrailProjectionStartDate": "2025-01-01"},
			[]string{`config "cloudtrailProjectionStartDate"`, "yyyy/MM/dd"}},
		{"a region that is not a region", map[string]string{"cloudtrailRegions": "eu-west-1,Ireland"},
			[]string{`config "cloudtrailRegions"`, `"Ireland"`}},
		{"a Glue database name with hyphens", map[string]string{"glueDatabaseName": "my-audit"},
			[]string{`config "glueDatabaseName"`, "lower-case letters"}},
		{"a scan cutoff below Athena's minimum", map[string]string{"athenaBytesScannedCutoffMib": "5"},
			[]string{`config "athenaBytesScannedCutoffMib"`, "10 MB"}},
		{"a function timeout Lambda refuses", map[string]string{"functionTimeoutSeconds": "1000"},
			[]string{`config "functionTimeoutSeconds"`, "1 to 900"}},
		{"an event batch larger than SQS allows", map[string]string{"eventBatchSize": "11"},
			[]string{`config "eventBatchSize"`, "1 to 10"}},
		{"an unknown receipt lock mode", map[string]string{"receiptLockMode": "legal-hold"},
			[]string{`config "receiptLockMode"`, "GOVERNANCE and COMPLIANCE"}},
		{"an alarm topic that is not an ARN", map[string]string{"alarmTopicArn": "ops-alerts"},
			[]string{`config "alarmTopicArn"`, "ARN"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, err := tryProgram(runOptions{config: c.config})
			if err == nil {
				t.Fatal("program succeeded, want a config error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if len(run.regs) != 0 {
				t.Errorf("%d resources registered before the config error; want none", len(run.regs))
			}
		})
	}
}

func TestEveryConfigProblemIsReportedInOneRun(t *testing.T) {
	_, err := tryProgram(runOptions{config: map[string]string{
		"objectLockMode": "STRICT", "kmsDeletionWindowDays": "3", "rawBucketName": "UPPER", "forceDestroy": "yes",
	}})
	if err == nil {
		t.Fatal("program succeeded, want config errors")
	}
	for _, key := range []string{"objectLockMode", "kmsDeletionWindowDays", "rawBucketName", "forceDestroy"} {
		if !strings.Contains(err.Error(), `config "`+key+`"`) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
}
