package tests

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// policyPack is the Rego pack in policy/, compiled the way the
// pulumi-policy-opa analyzer compiles it (Rego v0 parsing; the modules
// import rego.v1).
type policyPack struct {
	compiler      *ast.Compiler
	resourceRules []string
	stackRules    []string
	pkg           string
}

func loadPolicyPack(t *testing.T) *policyPack {
	t.Helper()
	files, err := filepath.Glob("../policy/*.rego")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Rego files in ../policy: %v", err)
	}
	modules := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f) //nolint:gosec // the repository's own policy files
		if err != nil {
			t.Fatal(err)
		}
		modules[strings.TrimSuffix(filepath.Base(f), ".rego")] = string(src)
	}
	compiler, err := ast.CompileModulesWithOpt(modules, ast.CompileOpts{ParserOptions: ast.ParserOptions{RegoVersion: ast.RegoV0}})
	if err != nil {
		t.Fatalf("policy pack does not compile as the analyzer compiles it: %v", err)
	}
	p := &policyPack{compiler: compiler}
	seen := map[string]bool{}
	for _, m := range compiler.Modules {
		p.pkg = strings.TrimPrefix(m.Package.Path.String(), "data.")
		for _, r := range m.Rules {
			name := r.Head.Name.String()
			if seen[name] {
				continue
			}
			seen[name] = true
			switch {
			case strings.HasPrefix(name, "stack_deny_"):
				p.stackRules = append(p.stackRules, name)
			case strings.HasPrefix(name, "deny_"):
				p.resourceRules = append(p.resourceRules, name)
			}
		}
	}
	sort.Strings(p.resourceRules)
	sort.Strings(p.stackRules)
	return p
}

// violation is one message of one rule.
type violation struct{ rule, msg string }

func (p *policyPack) eval(t *testing.T, rule string, input any) []violation {
	t.Helper()
	rs, err := rego.New(rego.Query("data."+p.pkg+"."+rule), rego.Compiler(p.compiler), rego.Input(input),
		rego.SetRegoVersion(ast.RegoV0)).Eval(context.Background())
	if err != nil {
		t.Fatalf("evaluating %s: %v", rule, err)
	}
	var out []violation
	for _, r := range rs {
		for _, e := range r.Expressions {
			msgs, _ := e.Value.([]any)
			for _, m := range msgs {
				out = append(out, violation{rule, m.(string)})
			}
		}
	}
	return out
}

// analyzerInput is a registration in the shape pulumi-policy-opa gives a
// rule: the inputs at the top level, plus type, name, urn and options.
func analyzerInput(r registration, stack string) map[string]any {
	props := r.Raw
	if props == nil {
		props = r.Inputs
	}
	obj := map[string]any{}
	for k, v := range props.Mappable() {
		obj[k] = v
	}
	chain := r.Type
	if parts := strings.Split(r.ParentURN, "::"); len(parts) >= 4 {
		chain = parts[2] + "$" + r.Type
	}
	urn := "urn:pulumi:" + stack + "::" + testProject + "::" + chain + "::" + r.Name
	opts := map[string]any{"protect": r.Protect, "parent": r.ParentURN}
	for k, v := range map[string]any{"type": r.Type, "__type": r.Type, "name": r.Name, "__name": r.Name, "urn": urn, "__urn": urn, "options": opts, "__options": opts} {
		obj[k] = v
	}
	return obj
}

// violations runs every rule of the pack on a program run, as `pulumi
// preview --policy-pack policy` would.
func (p *policyPack) violations(t *testing.T, run *programRun) []violation {
	t.Helper()
	var all []violation
	var resources []any
	for _, r := range run.regs {
		if !r.Custom {
			continue
		}
		in := analyzerInput(r, run.stack)
		resources = append(resources, in)
		for _, rule := range p.resourceRules {
			all = append(all, p.eval(t, rule, in)...)
		}
	}
	for _, rule := range p.stackRules {
		all = append(all, p.eval(t, rule, map[string]any{"resources": resources})...)
	}
	return all
}

func TestTheProgramPassesEveryPolicy(t *testing.T) {
	pack := loadPolicyPack(t)
	for _, c := range []struct {
		name string
		opts runOptions
	}{
		{"on pulumi up", runOptions{}},
		{"on pulumi preview", runOptions{dryRun: true}},
		{"on the dev stack", runOptions{stack: "dev", config: map[string]string{"protect": "false", "forceDestroy": "true"}}},
		{"with the Glue catalog encryption managed", runOptions{config: map[string]string{"manageGlueCatalogEncryption": "true"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if v := pack.violations(t, runProgram(t, c.opts)); len(v) != 0 {
				t.Errorf("violations: %v", v)
			}
		})
	}
}

func TestEveryPolicyMessageNamesItsControlAndTheFix(t *testing.T) {
	src, err := filepath.Glob("../policy/*.rego")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range src {
		data, err := os.ReadFile(f) //nolint:gosec // the repository's own policy files
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if !strings.Contains(line, "msg := sprintf(") {
				continue
			}
			if !strings.Contains(line, "(") || !strings.Contains(line, "Fix:") || !strings.ContainsAny(line, "0123456789") {
				t.Errorf("%s:%d: message must name control ids and say \"Fix:\": %s", filepath.Base(f), i+1, strings.TrimSpace(line))
			}
		}
	}
}

// mutation changes one recorded resource so that exactly one rule must fire.
type mutation struct {
	rule   string
	token  string
	name   string
	mutate func(in resource.PropertyMap)
}

func setPath(in resource.PropertyMap, path string, v resource.PropertyValue) {
	steps := strings.Split(path, ".")
	m := in
	for _, s := range steps[:len(steps)-1] {
		next := m[resource.PropertyKey(s)]
		if !next.IsObject() {
			next = resource.NewObjectProperty(resource.PropertyMap{})
			m[resource.PropertyKey(s)] = next
		}
		m = next.ObjectValue()
	}
	m[resource.PropertyKey(steps[len(steps)-1])] = v
}

func editPolicy(field string, edit func(doc string) string) func(resource.PropertyMap) {
	return func(in resource.PropertyMap) {
		in[resource.PropertyKey(field)] = resource.NewStringProperty(edit(in[resource.PropertyKey(field)].StringValue()))
	}
}

func TestEveryPolicyFiresAloneWhenItsControlIsBroken(t *testing.T) {
	pack := loadPolicyPack(t)
	str, boolean, num := resource.NewStringProperty, resource.NewBoolProperty, resource.NewNumberProperty
	drop := func(path string) func(resource.PropertyMap) {
		return func(in resource.PropertyMap) {
			steps := strings.Split(path, ".")
			m := in
			for _, s := range steps[:len(steps)-1] {
				m = m[resource.PropertyKey(s)].ObjectValue()
			}
			delete(m, resource.PropertyKey(steps[len(steps)-1]))
		}
	}
	cases := []mutation{
		{"deny_s3_public_access_block", typePublicAccess, "pipeline-raw-public-access-block", func(in resource.PropertyMap) { in["restrictPublicBuckets"] = boolean(false) }},
		{"deny_s3_acls", typeOwnership, "pipeline-raw-ownership", func(in resource.PropertyMap) { setPath(in, "rule.objectOwnership", str("ObjectWriter")) }},
		{"deny_s3_acls", typeBucket, "pipeline-raw-bucket", func(in resource.PropertyMap) { in["acl"] = str("public-read") }},
		{"deny_s3_tls_only", typeBucketPolicy, "pipeline-access-logs-policy", editPolicy("policy", func(d string) string {
			return strings.Replace(d, `"aws:SecureTransport":["false"]`, `"aws:SecureTransport":["true"]`, 1)
		})},
		{"deny_s3_policy_public_allow", typeBucketPolicy, "pipeline-access-logs-policy", editPolicy("policy", func(d string) string {
			return strings.Replace(d, `{"Service":["logging.s3.amazonaws.com"]}`, `"*"`, 1)
		})},
		{"deny_s3_versioning", typeVersioning, "pipeline-raw-versioning", func(in resource.PropertyMap) { setPath(in, "versioningConfiguration.status", str("Suspended")) }},
		{"stack_deny_s3_kms_encryption", typeSSE, "pipeline-raw-encryption", func(in resource.PropertyMap) {
			in["rules"].ArrayValue()[0].ObjectValue()["bucketKeyEnabled"] = boolean(false)
		}},
		{"stack_deny_s3_access_logging", typeLogging, "pipeline-raw-access-logging", func(in resource.PropertyMap) { in["bucket"] = str("some-other-bucket") }},
		{"stack_deny_s3_lifecycle", typeLifecycle, "pipeline-raw-lifecycle", func(in resource.PropertyMap) {
			in["rules"] = resource.NewArrayProperty(in["rules"].ArrayValue()[1:])
		}},
		{"stack_deny_s3_upload_encryption", typeBucketPolicy, "pipeline-raw-policy", editPolicy("policy", func(d string) string {
			return strings.Replace(d, `"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":["aws:kms"]}`, `"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":["AES256"]}`, 1)
		})},
		{"stack_deny_s3_event_notifications", typeNotification, "pipeline-provenance-notification", func(in resource.PropertyMap) { in["bucket"] = str("elsewhere") }},
		{"deny_cloudtrail_kms", typeTrail, "pipeline-audit-trail", drop("kmsKeyId")},
		{"deny_cloudtrail_log_validation", typeTrail, "pipeline-audit-trail", func(in resource.PropertyMap) { in["enableLogFileValidation"] = boolean(false) }},
		{"deny_cloudtrail_multi_region", typeTrail, "pipeline-audit-trail", func(in resource.PropertyMap) { in["isMultiRegionTrail"] = boolean(false) }},
		{"deny_cloudtrail_data_events", typeTrail, "pipeline-audit-trail", func(in resource.PropertyMap) {
			sels := in["advancedEventSelectors"].ArrayValue()
			data := sels[len(sels)-1].ObjectValue()
			fs := data["fieldSelectors"].ArrayValue()
			data["fieldSelectors"] = resource.NewArrayProperty(fs[:2])
		}},
		{"stack_deny_cloudtrail_bucket_policy", typeBucketPolicy, "pipeline-audit-log-policy", editPolicy("policy", onlySourceArnToAccount)},
		{"stack_deny_cloudtrail_object_lock", typeObjectLock, "pipeline-audit-log-object-lock", func(in resource.PropertyMap) { in["bucket"] = str("another-bucket") }},
		{"deny_kms_rotation", typeKey, "pipeline-key-key", func(in resource.PropertyMap) { in["enableKeyRotation"] = boolean(false) }},
		{"deny_kms_policy", typeKey, "pipeline-key-key", editPolicy("policy", func(d string) string {
			return strings.Replace(d, `{"AWS":["`+rootPrincipalARN+`"]}`, `"*"`, 1)
		})},
		{"deny_kms_deletion", typeKey, "pipeline-key-key", func(in resource.PropertyMap) { in["bypassPolicyLockoutSafetyCheck"] = boolean(true) }},
		{"deny_kms_service_conditions", typeKey, "pipeline-key-key", editPolicy("policy", onlySourceArnToAccount)},
		{"deny_iam_wildcards", typeRolePolicy, "pipeline-provenance-role-policy", editPolicy("policy", func(d string) string {
			return strings.Replace(d, `"logs:CreateLogStream","logs:PutLogEvents"`, `"logs:*"`, 1)
		})},
		{"deny_iam_trust", typeRole, "pipeline-provenance-role", editPolicy("assumeRolePolicy", func(d string) string {
			return strings.Replace(d, `{"Service":["lambda.amazonaws.com"]}`, `{"AWS":["`+rootPrincipalARN+`"]}`, 1)
		})},
		{"deny_lambda_runtime", typeFunction, "pipeline-provenance-function", func(in resource.PropertyMap) { in["runtime"] = str("go1.x") }},
		{"deny_log_group", typeLogGroup, "pipeline-provenance-logs", func(in resource.PropertyMap) { in["retentionInDays"] = num(30) }},
		{"deny_sqs", typeQueue, "pipeline-provenance-dlq", drop("kmsMasterKeyId")},
		{"deny_athena_workgroup", typeWorkgroup, "pipeline-catalog-workgroup", func(in resource.PropertyMap) {
			setPath(in, "configuration.enforceWorkgroupConfiguration", boolean(false))
		}},
	}
	// Rules that apply to resources the default program does not create get
	// one of those resources, valid, then broken.
	extra := map[string]registration{
		"deny_lambda_permission": {Type: "aws:lambda/permission:Permission", Name: "extra-permission", Custom: true,
			Inputs: resource.PropertyMap{"principal": str("s3.amazonaws.com"), "action": str("lambda:InvokeFunction"), "function": str("fn")}},
		"deny_glue_catalog_encryption": {Type: typeCatalogSettings, Name: "extra-catalog-encryption", Custom: true,
			Inputs: resource.PropertyMap{"dataCatalogEncryptionSettings": resource.NewObjectProperty(resource.PropertyMap{
				"encryptionAtRest":             resource.NewObjectProperty(resource.PropertyMap{"catalogEncryptionMode": str("DISABLED")}),
				"connectionPasswordEncryption": resource.NewObjectProperty(resource.PropertyMap{"returnConnectionPasswordEncrypted": boolean(true)}),
			})}},
	}

	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.rule] = true
	}
	for rule := range extra {
		covered[rule] = true
	}
	for _, rule := range append(slices.Clone(pack.resourceRules), pack.stackRules...) {
		if !covered[rule] {
			t.Errorf("rule %s has no test that breaks its control", rule)
		}
	}

	check := func(t *testing.T, want string, run *programRun) {
		t.Helper()
		var fired []string
		for _, v := range pack.violations(t, run) {
			if !slices.Contains(fired, v.rule) {
				fired = append(fired, v.rule)
			}
		}
		if !slices.Equal(fired, []string{want}) {
			t.Errorf("rules fired: %v, want only %s", fired, want)
		}
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			run := runProgram(t, runOptions{})
			found := false
			for i, r := range run.regs {
				if r.Type == c.token && r.Name == c.name {
					in := r.Inputs.Copy()
					c.mutate(in)
					run.regs[i].Inputs, run.regs[i].Raw = in, in
					found = true
				}
			}
			if !found {
				t.Fatalf("no %s named %s", c.token, c.name)
			}
			check(t, c.rule, run)
		})
	}
	for rule, reg := range extra {
		t.Run(rule, func(t *testing.T) {
			run := runProgram(t, runOptions{})
			run.regs = append(run.regs, reg)
			check(t, rule, run)
		})
	}
}

// onlySourceArnToAccount swaps the first condition that pins a statement to
// the trail's ARN alone for one that admits any trail of the account.
func onlySourceArnToAccount(doc string) string {
	return strings.Replace(doc, `{"StringEquals":{"aws:SourceArn":["`+trailARN+`"]}}`,
		`{"StringEquals":{"aws:SourceAccount":["`+testAccountID+`"]}}`, 1)
}
