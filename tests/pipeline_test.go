package tests

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/caa304/secure-data-pipeline/components"
)

func TestComponentTypeTokensHaveThePackageModuleTypeForm(t *testing.T) {
	token := regexp.MustCompile(`^secure-data-pipeline:[a-z0-9]+:[A-Z][A-Za-z0-9]+$`)
	want := []string{
		components.SecurePipelineType, components.PipelineKeyType, components.AccessLogBucketType,
		components.RawBucketType, components.AuditTrailType, components.ProvenanceFunctionType, components.AuditCatalogType,
		components.ReceiptVerifierType,
	}
	var got []string
	for _, r := range runProgram(t, runOptions{}).regs {
		if !r.Custom {
			got = append(got, r.Type)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("components registered = %v, want %v", got, want)
	}
	for _, tok := range want {
		if !token.MatchString(tok) {
			t.Errorf("token %q is not secure-data-pipeline:<module>:<Type>", tok)
		}
	}
}

func TestStackOutputsAreExactlyTheContract(t *testing.T) {
	run := runProgram(t, runOptions{})
	got := slices.Sorted(maps.Keys(run.exports))
	want := []string{
		"accessLogBucketName", "athenaResultsBucketName", "athenaWorkgroupName", "chainOfCustodyQueryId", "cloudtrailTableName",
		"deadLetterQueueUrl", "digestKeyArn", "eventQueueUrl", "flattenedViewQueryId", "glueDatabaseName", "incomingPrefix", "kmsKeyAlias", "kmsKeyArn",
		"ledgerViewQueryId", "logBucketName", "provenanceFunctionArn", "provenanceFunctionName", "provenancePrefix",
		"rawBucketArn", "rawBucketName", "receiptsTableName", "reportsTableName", "trailArn", "trailName", "validationQueryId",
		"verifierFunctionName",
	}
	if !slices.Equal(got, want) {
		t.Errorf("stack outputs = %v, want %v", got, want)
	}
}

func TestEveryResourceHasAParentAndAUniqueName(t *testing.T) {
	run := runProgram(t, runOptions{})
	seen := map[string]bool{}
	for _, r := range run.regs {
		key := r.Type + "::" + r.Name
		if seen[key] {
			t.Errorf("%s is registered twice; the engine rejects duplicate URNs", key)
		}
		seen[key] = true
		if r.Type == components.SecurePipelineType {
			continue
		}
		if r.ParentURN == "" || strings.HasSuffix(r.ParentURN, "pulumi:pulumi:Stack::secure-data-pipeline-prod") {
			t.Errorf("%s has no component parent (parent %q)", key, r.ParentURN)
		}
	}
}

func TestDataBearingResourcesAreProtectedOutsideDev_SH_KMS_3(t *testing.T) {
	dataBearing := []struct{ token, name string }{
		{typeKey, "pipeline-key-key"},
		{typeBucket, "pipeline-raw-bucket"},
		{typeBucket, "pipeline-audit-log-bucket"},
		{typeBucket, "pipeline-access-logs-bucket"},
		{typeBucket, "pipeline-catalog-results-bucket"},
	}
	for _, c := range []struct {
		name   string
		stack  string
		config map[string]string
		want   bool
	}{
		{"on a prod stack by default", "prod", nil, true},
		{"on a staging stack by default", "staging", nil, true},
		{"not on the dev stack by default", "dev", nil, false},
		{"not when config turns protection off", "prod", map[string]string{"protect": "false"}, false},
		{"on dev when config turns protection on", "dev", map[string]string{"protect": "true"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := runProgram(t, runOptions{stack: c.stack, config: c.config})
			for _, d := range dataBearing {
				if got := run.one(t, d.token, d.name).Protect; got != c.want {
					t.Errorf("%s protect = %v, want %v", d.name, got, c.want)
				}
			}
		})
	}
}

func TestBucketsRefuseToBeDestroyedWithDataUnlessForced(t *testing.T) {
	for _, c := range []struct {
		name   string
		config map[string]string
		want   bool
	}{
		{"by default", nil, false},
		{"when forceDestroy is true", map[string]string{"forceDestroy": "true"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, b := range runProgram(t, runOptions{config: c.config}).ofType(typeBucket) {
				if v := b.path("forceDestroy"); !v.IsBool() || v.BoolValue() != c.want {
					t.Errorf("%s forceDestroy = %v, want %v", b.Name, v, c.want)
				}
			}
		})
	}
}

func TestPreviewRegistersTheSameResourcesWithPoliciesKnownWhereTheyCanBe(t *testing.T) {
	up := runProgram(t, runOptions{})
	preview := runProgram(t, runOptions{dryRun: true})
	names := func(run *programRun) []string {
		var out []string
		for _, r := range run.regs {
			out = append(out, r.Type+"::"+r.Name)
		}
		slices.Sort(out)
		return out
	}
	if got, want := names(preview), names(up); !slices.Equal(got, want) {
		t.Errorf("preview registers %v,\nup registers %v", got, want)
	}
	// These policies depend only on names, so a pull request's preview shows
	// them in full; the raw bucket's names the key ARN, unknown until created.
	parsePolicy(t, preview.one(t, typeKey, "pipeline-key-key"))
	parsePolicy(t, preview.one(t, typeBucketPolicy, "pipeline-audit-log-policy"))
	parsePolicy(t, preview.one(t, typeBucketPolicy, "pipeline-access-logs-policy"))
	if v := preview.one(t, typeBucketPolicy, "pipeline-raw-policy").path("policy"); v.IsString() {
		t.Errorf("raw bucket policy is known in preview (%q), but the key ARN it names is not", v.StringValue())
	}
}

func TestEveryTaggableResourceCarriesTheEnvironmentTags(t *testing.T) {
	run := runProgram(t, runOptions{stack: "staging"})
	for _, token := range []string{typeBucket, typeKey, typeTrail, "aws:sqs/queue:Queue", "aws:lambda/function:Function", "aws:iam/role:Role", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm"} {
		for _, r := range run.ofType(token) {
			tags := r.path("tags").ObjectValue()
			for k, v := range map[string]string{"project": "secure-data-pipeline", "environment": "staging", "managed-by": "pulumi"} {
				if got := tags[resourceKey(k)].StringValue(); got != v {
					t.Errorf("%s tag %s = %q, want %q", r.Name, k, got, v)
				}
			}
		}
	}
}

func TestPreviewShowsTheSameInputsAsUpWhereverTheyAreKnown(t *testing.T) {
	up := runProgram(t, runOptions{})
	preview := runProgram(t, runOptions{dryRun: true})
	for _, p := range preview.regs {
		u := up.one(t, p.Type, p.Name)
		for key, pv := range p.Inputs {
			if uv, ok := u.Inputs[key]; !ok || !knownPartOf(pv, uv) {
				t.Errorf("%s %s: preview input %s = %v, up gives %v", p.Type, p.Name, key, pv, uv)
			}
		}
	}
}

func TestBucketsLogToTheAccessLogBucketOnlyOnceItsPolicyAllowsDelivery_S3_12(t *testing.T) {
	for _, l := range runProgram(t, runOptions{}).ofType(typeLogging) {
		if !l.dependsOn("pipeline-access-logs-policy") {
			t.Errorf("%s does not wait for the access-log bucket policy", l.Name)
		}
	}
}

// knownPartOf reports whether a preview value equals the up value except for
// object fields preview could not know yet and so did not send.
func knownPartOf(preview, up resource.PropertyValue) bool {
	switch {
	case preview.IsObject() && up.IsObject():
		for k, v := range preview.ObjectValue() {
			u, ok := up.ObjectValue()[k]
			if !ok || !knownPartOf(v, u) {
				return false
			}
		}
		return true
	case preview.IsArray() && up.IsArray():
		if len(preview.ArrayValue()) != len(up.ArrayValue()) {
			return false
		}
		for i, v := range preview.ArrayValue() {
			if !knownPartOf(v, up.ArrayValue()[i]) {
				return false
			}
		}
		return true
	}
	return preview.DeepEquals(up)
}
