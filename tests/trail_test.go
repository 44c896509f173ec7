package tests

import (
	"slices"
	"strings"
	"testing"
)

func TestTrailEncryptsLogsWithThePipelineKey_SH_CloudTrail_2_CIS_3_5_CKV_AWS_35(t *testing.T) {
	trail := runProgram(t, runOptions{}).one(t, typeTrail, "pipeline-audit-trail")
	if got := trail.path("kmsKeyId").StringValue(); got != keyARN {
		t.Errorf("kmsKeyId = %q, want %q", got, keyARN)
	}
}

func TestTrailValidatesLogFiles_SH_CloudTrail_4_CIS_3_2_CKV_AWS_36(t *testing.T) {
	trail := runProgram(t, runOptions{}).one(t, typeTrail, "pipeline-audit-trail")
	if v := trail.path("enableLogFileValidation"); !v.IsBool() || !v.BoolValue() {
		t.Errorf("enableLogFileValidation = %v, want true", v)
	}
}

func TestTrailIsLoggingInEveryRegion_CKV_AWS_67_CKV_AWS_251(t *testing.T) {
	trail := runProgram(t, runOptions{}).one(t, typeTrail, "pipeline-audit-trail")
	for _, flag := range []string{"isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogging"} {
		if v := trail.path(flag); !v.IsBool() || !v.BoolValue() {
			t.Errorf("%s = %v, want true", flag, v)
		}
	}
	if got := trail.path("s3BucketName").StringValue(); got != logBucketName {
		t.Errorf("s3BucketName = %q, want the dedicated log bucket %q", got, logBucketName)
	}
	if v := trail.path("s3KeyPrefix"); v.IsString() && v.StringValue() != "" {
		t.Errorf("s3KeyPrefix = %q, want none: the log bucket policy grants AWSLogs/<account>/ at the root", v.StringValue())
	}
}

// selectors returns the trail's advanced event selectors as field -> operator -> values.
func selectors(trail registration) []map[string]map[string][]string {
	var out []map[string]map[string][]string
	for _, sel := range trail.path("advancedEventSelectors").ArrayValue() {
		fields := map[string]map[string][]string{}
		for _, fs := range sel.ObjectValue()["fieldSelectors"].ArrayValue() {
			f := fs.ObjectValue()
			ops := map[string][]string{}
			for k, v := range f {
				if k == "field" || !v.IsArray() {
					continue
				}
				for _, s := range v.ArrayValue() {
					ops[string(k)] = append(ops[string(k)], s.StringValue())
				}
			}
			fields[f["field"].StringValue()] = ops
		}
		out = append(out, fields)
	}
	return out
}

func TestTrailRecordsObjectEventsOfTheRawBucketOnlyAndNeverOfItsOwnBucket_CT_08_CT_09(t *testing.T) {
	trail := runProgram(t, runOptions{}).one(t, typeTrail, "pipeline-audit-trail")
	var data []map[string]map[string][]string
	for _, s := range selectors(trail) {
		if slices.Equal(s["eventCategory"]["equals"], []string{"Data"}) {
			data = append(data, s)
		}
	}
	if len(data) != 1 {
		t.Fatalf("%d data-event selectors, want 1", len(data))
	}
	sel := data[0]
	if got := sel["resources.type"]["equals"]; !slices.Equal(got, []string{"AWS::S3::Object"}) {
		t.Errorf("resources.type = %v, want [AWS::S3::Object]", got)
	}
	if got := sel["resources.ARN"]["startsWiths"]; !slices.Equal(got, []string{rawBucketARN + "/"}) {
		t.Errorf("resources.ARN StartsWith %v, want only the raw bucket's objects [%s/]", got, rawBucketARN)
	}
	if len(sel["resources.ARN"]) != 1 {
		t.Errorf("resources.ARN operators = %v, want StartsWith only", sel["resources.ARN"])
	}
	if _, ok := sel["readOnly"]; ok {
		t.Errorf("data selector filters readOnly = %v; reads and writes are both audited", sel["readOnly"])
	}
	for _, s := range selectors(trail) {
		for field, ops := range s {
			for _, vals := range ops {
				for _, v := range vals {
					if strings.Contains(v, logBucketName) {
						t.Errorf("selector field %s names the log bucket %q: the trail would record its own deliveries", field, v)
					}
				}
			}
		}
	}
}

func TestTrailRecordsManagementEventsUnlessConfigSaysNot_CT_01(t *testing.T) {
	for _, c := range []struct {
		name   string
		config map[string]string
		want   int
	}{
		{"by default", nil, 1},
		{"when recordManagementEvents is false", map[string]string{"recordManagementEvents": "false"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			trail := runProgram(t, runOptions{config: c.config}).one(t, typeTrail, "pipeline-audit-trail")
			var mgmt []map[string]map[string][]string
			for _, s := range selectors(trail) {
				if slices.Equal(s["eventCategory"]["equals"], []string{"Management"}) {
					mgmt = append(mgmt, s)
				}
			}
			if len(mgmt) != c.want {
				t.Fatalf("%d management selectors, want %d", len(mgmt), c.want)
			}
			if c.want == 1 && len(mgmt[0]) != 1 {
				t.Errorf("management selector = %v, want eventCategory only: read and write events, no exclusions (CIS 3.1)", mgmt[0])
			}
		})
	}
}

func TestTrailWaitsForTheLogBucketPolicyAndTheKey(t *testing.T) {
	trail := runProgram(t, runOptions{}).one(t, typeTrail, "pipeline-audit-trail")
	for _, name := range []string{"pipeline-audit-log-policy", "pipeline-audit-log-object-lock", "pipeline-audit-log-encryption", "pipeline-key-key"} {
		if !trail.dependsOn(name) {
			t.Errorf("trail does not depend on %s; the first `pulumi up` would race CloudTrail's permission check", name)
		}
	}
}

func TestPoliciesNameTheTrailTheProgramCreates(t *testing.T) {
	run := runProgram(t, runOptions{config: map[string]string{"trailName": "audit-trail-1"}})
	trail := run.one(t, typeTrail, "pipeline-audit-trail")
	name := trail.path("name").StringValue()
	if name != "audit-trail-1" {
		t.Fatalf("trail name = %q, want the configured audit-trail-1", name)
	}
	want := "arn:aws:cloudtrail:" + testRegion + ":" + testAccountID + ":trail/" + name
	for _, r := range []registration{run.one(t, typeKey, "pipeline-key-key"), run.forBucket(t, typeBucketPolicy, logBucketName)} {
		for _, s := range parsePolicy(t, r) {
			if got := s.condition("StringEquals", "aws:SourceArn"); got != nil && !slices.Equal(got, []string{want}) {
				t.Errorf("%s statement %q names trail %v, want %s", r.Type, s.Sid, got, want)
			}
		}
	}
}
