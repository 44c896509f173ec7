package tests

import (
	"slices"
	"testing"
)

func TestKeyRotatesAutomatically_SH_KMS_4_CIS_3_6_CKV_AWS_7(t *testing.T) {
	key := runProgram(t, runOptions{}).one(t, typeKey, "pipeline-key-key")
	if v := key.path("enableKeyRotation"); !v.IsBool() || !v.BoolValue() {
		t.Errorf("enableKeyRotation = %v, want true", v)
	}
	if got := key.path("customerMasterKeySpec").StringValue(); got != "SYMMETRIC_DEFAULT" {
		t.Errorf("key spec = %q, want SYMMETRIC_DEFAULT (only symmetric keys rotate)", got)
	}
}

func TestKeyHasAnExplicitPolicyThatNoOutsiderCanUse_SH_KMS_5_CKV_AWS_33_CKV2_AWS_64(t *testing.T) {
	key := runProgram(t, runOptions{}).one(t, typeKey, "pipeline-key-key")
	stmts := parsePolicy(t, key)
	for _, s := range stmts {
		if s.Anyone {
			t.Errorf("statement %q names principal *", s.Sid)
		}
		if s.NotPrincipal || s.NotAction || s.NotResource {
			t.Errorf("statement %q uses NotPrincipal/NotAction/NotResource", s.Sid)
		}
		for _, p := range s.AWS {
			if p != rootPrincipalARN {
				t.Errorf("statement %q names AWS principal %q; only this account's root may be named", s.Sid, p)
			}
		}
		if len(s.Service) > 0 && len(s.Condition) == 0 {
			t.Errorf("statement %q lets %v use the key without conditions", s.Sid, s.Service)
		}
	}
	admin := find(stmts, func(s statement) bool { return slices.Equal(s.AWS, []string{rootPrincipalARN}) })
	if len(admin) != 1 || !slices.Equal(admin[0].Action, []string{"kms:*"}) {
		t.Errorf("account administration statements = %+v, want one granting the account root kms:* (delegation to IAM)", admin)
	}
}

func TestKeyLetsOnlyThisTrailEncryptLogs_KMS_06(t *testing.T) {
	key := runProgram(t, runOptions{}).one(t, typeKey, "pipeline-key-key")
	trail := find(parsePolicy(t, key), func(s statement) bool { return slices.Contains(s.Service, cloudtrailService) })
	var actions []string
	for _, s := range trail {
		actions = append(actions, s.Action...)
		if got := s.condition("StringEquals", "aws:SourceArn"); !slices.Equal(got, []string{trailARN}) {
			t.Errorf("statement %q: aws:SourceArn = %v, want this trail %s", s.Sid, got, trailARN)
		}
		if slices.Contains(s.Action, "kms:GenerateDataKey*") {
			if got := s.condition("StringEquals", "kms:EncryptionContext:aws:cloudtrail:arn"); !slices.Equal(got, []string{trailARN}) {
				t.Errorf("statement %q: encryption context = %v, want this trail %s", s.Sid, got, trailARN)
			}
		}
	}
	slices.Sort(actions)
	if want := []string{"kms:DescribeKey", "kms:GenerateDataKey*"}; !slices.Equal(actions, want) {
		t.Errorf("CloudTrail may %v, want exactly %v", actions, want)
	}
}

func TestKeyKeepsADeletionWindow_SH_KMS_3(t *testing.T) {
	for _, c := range []struct {
		name   string
		config map[string]string
		want   float64
	}{
		{"of 30 days by default", nil, 30},
		{"of the days config asks", map[string]string{"kmsDeletionWindowDays": "14"}, 14},
	} {
		t.Run(c.name, func(t *testing.T) {
			key := runProgram(t, runOptions{config: c.config}).one(t, typeKey, "pipeline-key-key")
			if got := key.path("deletionWindowInDays").NumberValue(); got != c.want {
				t.Errorf("deletionWindowInDays = %v, want %v", got, c.want)
			}
		})
	}
}

func TestKeyIsEnabledDescribedAndNeverBypassesTheLockoutCheck_KMS_05_KMS_08_KMS_09(t *testing.T) {
	key := runProgram(t, runOptions{}).one(t, typeKey, "pipeline-key-key")
	if v := key.path("bypassPolicyLockoutSafetyCheck"); v.IsBool() && v.BoolValue() {
		t.Error("bypassPolicyLockoutSafetyCheck = true, want unset or false")
	}
	if v := key.path("isEnabled"); v.IsBool() && !v.BoolValue() {
		t.Error("isEnabled = false, want the key enabled")
	}
	if d := key.path("description").StringValue(); len(d) < 6 {
		t.Errorf("description = %q, want 6 or more characters", d)
	}
}

func TestKeyAliasIsNamedFromThePrefixAndTheStack(t *testing.T) {
	for _, c := range []struct {
		name, stack string
		config      map[string]string
		want        string
	}{
		{"with the default prefix", "prod", nil, "alias/sdp-prod"},
		{"with the configured prefix", "dev", map[string]string{"namePrefix": "caa304"}, "alias/caa304-dev"},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := runProgram(t, runOptions{stack: c.stack, config: c.config})
			alias := run.one(t, typeAlias, "pipeline-key-alias")
			if got := alias.path("name").StringValue(); got != c.want {
				t.Errorf("alias = %q, want %q", got, c.want)
			}
			if got := alias.path("targetKeyId").StringValue(); got == "" {
				t.Error("alias has no target key")
			}
		})
	}
}
