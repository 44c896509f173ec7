package tests

import (
	"slices"
	"strings"
	"testing"
)

// everyBucket is the buckets of a default prod stack, by role. The ones
// that hold data come first; the access-log target, which S3 requires to be
// SSE-S3, last.
var everyBucket = []struct{ role, name, arn string }{
	{"raw", rawBucketName, rawBucketARN},
	{"log", logBucketName, logBucketARN},
	{"athena-results", resultsBucketName, resultsBucketARN},
	{"access-log", accessBucketName, accessBucketARN},
}

// dataBuckets are the buckets encrypted with the pipeline key and logged.
var dataBuckets = everyBucket[:3]

func TestTheProgramCreatesExactlyTheFourBuckets(t *testing.T) {
	got := runProgram(t, runOptions{}).bucketNames()
	want := []string{accessBucketName, resultsBucketName, logBucketName, rawBucketName}
	if !slices.Equal(got, want) {
		t.Fatalf("buckets = %v, want %v", got, want)
	}
}

func TestEveryBucketBlocksAllPublicAccess_SH_S3_8_CIS_2_1_4(t *testing.T) {
	run := runProgram(t, runOptions{})
	for _, b := range everyBucket {
		t.Run(b.role, func(t *testing.T) {
			pab := run.forBucket(t, typePublicAccess, b.name)
			for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				if v := pab.path(flag); !v.IsBool() || !v.BoolValue() {
					t.Errorf("%s = %v, want true", flag, v)
				}
			}
		})
	}
}

func TestEveryBucketDisablesACLs_SH_S3_12_CKV2_AWS_65(t *testing.T) {
	run := runProgram(t, runOptions{})
	for _, b := range everyBucket {
		t.Run(b.role, func(t *testing.T) {
			oc := run.forBucket(t, typeOwnership, b.name)
			if got := oc.path("rule.objectOwnership").StringValue(); got != "BucketOwnerEnforced" {
				t.Errorf("objectOwnership = %q, want BucketOwnerEnforced", got)
			}
		})
	}
	if acls := run.ofType(typeBucketACL); len(acls) != 0 {
		t.Errorf("%d bucket ACL resources registered, want none (SH S3.2/S3.3: no canned ACLs)", len(acls))
	}
}

func TestEveryBucketDeniesRequestsWithoutTLS_SH_S3_5_CIS_2_1_1(t *testing.T) {
	run := runProgram(t, runOptions{})
	for _, b := range everyBucket {
		t.Run(b.role, func(t *testing.T) {
			stmts := parsePolicy(t, run.forBucket(t, typeBucketPolicy, b.name))
			tls := find(stmts, func(s statement) bool {
				return s.denies("s3:*") && s.Anyone && slices.Equal(s.condition("Bool", "aws:SecureTransport"), []string{"false"})
			})
			if len(tls) != 1 {
				t.Fatalf("%d statements deny s3:* to * when aws:SecureTransport is false, want 1", len(tls))
			}
			if want := []string{b.arn, b.arn + "/*"}; !slices.Equal(tls[0].Resource, want) {
				t.Errorf("TLS deny covers %v, want the bucket and its objects %v", tls[0].Resource, want)
			}
			old := find(stmts, func(s statement) bool {
				return s.denies("s3:*") && s.Anyone && slices.Equal(s.condition("NumericLessThan", "s3:TlsVersion"), []string{"1.2"})
			})
			if len(old) != 1 {
				t.Errorf("%d statements deny TLS older than 1.2, want 1 (CIS 2.1.1 optional hardening)", len(old))
			}
		})
	}
}

func TestEveryBucketIsVersioned_SH_S3_14_CKV_AWS_21(t *testing.T) {
	run := runProgram(t, runOptions{})
	for _, b := range everyBucket {
		t.Run(b.role, func(t *testing.T) {
			v := run.forBucket(t, typeVersioning, b.name)
			if got := v.path("versioningConfiguration.status").StringValue(); got != "Enabled" {
				t.Errorf("versioning status = %q, want Enabled", got)
			}
		})
	}
}

func TestDataBucketsEncryptWithThePipelineKeyAndABucketKey_SH_S3_17_CKV_AWS_145(t *testing.T) {
	run := runProgram(t, runOptions{})
	for _, b := range dataBuckets {
		t.Run(b.role, func(t *testing.T) {
			sse := run.forBucket(t, typeSSE, b.name)
			if got := sse.path("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm").StringValue(); got != "aws:kms" {
				t.Errorf("sseAlgorithm = %q, want aws:kms", got)
			}
			if got := sse.path("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId").StringValue(); got != keyARN {
				t.Errorf("kmsMasterKeyId = %q, want the pipeline key's full ARN %q", got, keyARN)
			}
			if v := sse.path("rules[0].bucketKeyEnabled"); !v.IsBool() || !v.BoolValue() {
				t.Errorf("bucketKeyEnabled = %v, want true (S3 Bucket Key, PCP bucket-key)", v)
			}
		})
	}
}

func TestAccessLogBucketUsesSSES3BecauseS3LogDeliveryRequiresIt_S3_11_G1(t *testing.T) {
	run := runProgram(t, runOptions{})
	sse := run.forBucket(t, typeSSE, accessBucketName)
	if got := sse.path("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm").StringValue(); got != "AES256" {
		t.Errorf("sseAlgorithm = %q, want AES256: server access log targets cannot use SSE-KMS", got)
	}
	for _, lock := range run.ofType(typeObjectLock) {
		if lock.path("bucket").StringValue() == accessBucketName {
			t.Errorf("the access-log target has Object Lock; S3 cannot deliver access logs to it (G2)")
		}
	}
}

func TestRawBucketDeniesUploadsWithAnotherAlgorithmOrKey_S3_20_S3_07(t *testing.T) {
	run := runProgram(t, runOptions{})
	stmts := parsePolicy(t, run.forBucket(t, typeBucketPolicy, rawBucketName))
	objects := []string{rawBucketARN + "/*"}
	for _, c := range []struct {
		name, op, key string
		values        []string
	}{
		{"another algorithm", "StringNotEqualsIfExists", "s3:x-amz-server-side-encryption", []string{"aws:kms"}},
		{"another KMS key", "StringNotEqualsIfExists", "s3:x-amz-server-side-encryption-aws-kms-key-id", []string{keyARN}},
		{"a customer-provided key (SSE-C)", "Null", "s3:x-amz-server-side-encryption-customer-algorithm", []string{"false"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			deny := find(stmts, func(s statement) bool {
				return s.denies("s3:PutObject") && s.Anyone && slices.Equal(s.condition(c.op, c.key), c.values)
			})
			if len(deny) != 1 {
				t.Fatalf("%d statements deny PutObject when %s %s %v, want 1", len(deny), c.key, c.op, c.values)
			}
			if !slices.Equal(deny[0].Resource, objects) {
				t.Errorf("deny covers %v, want %v", deny[0].Resource, objects)
			}
		})
	}
}

func TestEveryBucketHasALifecycleThatAbortsUploadsAndExpiresOldVersions_SH_S3_13_S3_10_CKV_AWS_300(t *testing.T) {
	run := runProgram(t, runOptions{config: map[string]string{
		"abortIncompleteMultipartUploadDays": "3",
		"noncurrentVersionExpirationDays":    "45",
	}})
	for _, b := range everyBucket {
		t.Run(b.role, func(t *testing.T) {
			lc := run.forBucket(t, typeLifecycle, b.name)
			rules := lc.path("rules").ArrayValue()
			var abort, noncurrent bool
			for _, r := range rules {
				rule := r.ObjectValue()
				if rule["status"].StringValue() != "Enabled" {
					continue
				}
				wholeBucket := rule["filter"].IsObject() && rule["filter"].ObjectValue()["prefix"].StringValue() == ""
				if a := rule["abortIncompleteMultipartUpload"]; a.IsObject() && wholeBucket {
					abort = a.ObjectValue()["daysAfterInitiation"].NumberValue() == 3
				}
				if n := rule["noncurrentVersionExpiration"]; n.IsObject() && wholeBucket {
					noncurrent = n.ObjectValue()["noncurrentDays"].NumberValue() == 45
				}
			}
			if !abort {
				t.Errorf("no enabled whole-bucket rule aborts multipart uploads after 3 days (abortIncompleteMultipartUploadDays)")
			}
			if !noncurrent {
				t.Errorf("no enabled whole-bucket rule expires noncurrent versions after 45 days (noncurrentVersionExpirationDays)")
			}
		})
	}
}

func TestDataBucketsLogServerAccessToTheAccessLogBucket_SH_S3_9_CIS_3_4(t *testing.T) {
	run := runProgram(t, runOptions{})
	for _, b := range dataBuckets {
		t.Run(b.role, func(t *testing.T) {
			l := run.forBucket(t, typeLogging, b.name)
			if got := l.path("targetBucket").StringValue(); got != accessBucketName {
				t.Errorf("targetBucket = %q, want %q", got, accessBucketName)
			}
			if got := l.path("targetPrefix").StringValue(); got != b.name+"/" {
				t.Errorf("targetPrefix = %q, want %q", got, b.name+"/")
			}
		})
	}
	if n := len(run.ofType(typeLogging)); n != len(dataBuckets) {
		t.Errorf("%d logging configurations, want %d: the access-log target does not log itself (SH S3.9 exception)", n, len(dataBuckets))
	}
}

func TestAccessLogBucketAcceptsLogsOnlyFromThePipelineBuckets_S3_12(t *testing.T) {
	run := runProgram(t, runOptions{})
	stmts := parsePolicy(t, run.forBucket(t, typeBucketPolicy, accessBucketName))
	allow := find(stmts, func(s statement) bool { return s.Effect == "Allow" })
	if len(allow) != 1 {
		t.Fatalf("%d Allow statements, want 1 (S3 log delivery)", len(allow))
	}
	s := allow[0]
	if !slices.Equal(s.Service, []string{"logging.s3.amazonaws.com"}) || len(s.AWS) != 0 || s.Anyone {
		t.Errorf("principal = service %v aws %v anyone %v, want only logging.s3.amazonaws.com", s.Service, s.AWS, s.Anyone)
	}
	if !slices.Equal(s.Action, []string{"s3:PutObject"}) {
		t.Errorf("actions = %v, want [s3:PutObject]", s.Action)
	}
	var wantResources, wantSources []string
	for _, b := range dataBuckets {
		wantResources = append(wantResources, accessBucketARN+"/"+b.name+"/*")
		wantSources = append(wantSources, b.arn)
	}
	if !slices.Equal(s.Resource, wantResources) {
		t.Errorf("resources = %v, want %v", s.Resource, wantResources)
	}
	if got := s.condition("ArnEquals", "aws:SourceArn"); !slices.Equal(got, wantSources) {
		t.Errorf("aws:SourceArn = %v, want the data buckets %v", got, wantSources)
	}
	if got := s.condition("StringEquals", "aws:SourceAccount"); !slices.Equal(got, []string{testAccountID}) {
		t.Errorf("aws:SourceAccount = %v, want %s", got, testAccountID)
	}
}

func TestNoBucketPolicyAllowsAnyoneOrAnotherAccount_CKV_AWS_70_SH_S3_2_S3_3_S3_6(t *testing.T) {
	run := runProgram(t, runOptions{})
	for _, b := range everyBucket {
		t.Run(b.role, func(t *testing.T) {
			for _, s := range parsePolicy(t, run.forBucket(t, typeBucketPolicy, b.name)) {
				if s.NotPrincipal || s.NotAction || s.NotResource {
					t.Errorf("statement %q uses NotPrincipal/NotAction/NotResource, which invert their meaning", s.Sid)
				}
				if s.Effect != "Allow" {
					continue
				}
				if s.Anyone || len(s.AWS) != 0 {
					t.Errorf("statement %q allows principals %v (anyone=%v); only AWS service principals may be allowed", s.Sid, s.AWS, s.Anyone)
				}
				if len(s.Condition) == 0 {
					t.Errorf("statement %q allows %v without conditions", s.Sid, s.Service)
				}
				for _, a := range s.Action {
					if strings.Contains(a, "*") {
						t.Errorf("statement %q allows wildcard action %q", s.Sid, a)
					}
				}
			}
		})
	}
}

func TestLogBucketAcceptsOnlyThisTrailsDeliveries_S3_21_S3_22_CloudTrail_6(t *testing.T) {
	run := runProgram(t, runOptions{})
	stmts := parsePolicy(t, run.forBucket(t, typeBucketPolicy, logBucketName))
	allows := find(stmts, func(s statement) bool { return s.Effect == "Allow" })
	if len(allows) != 2 {
		t.Fatalf("%d Allow statements, want 2 (CloudTrail ACL check and delivery): the log bucket is dedicated to the trail", len(allows))
	}
	for _, c := range []struct {
		action    string
		resources []string
		acl       []string
	}{
		{"s3:GetBucketAcl", []string{logBucketARN}, nil},
		{"s3:PutObject", []string{logBucketARN + "/AWSLogs/" + testAccountID + "/*"}, []string{"bucket-owner-full-control"}},
	} {
		t.Run(c.action, func(t *testing.T) {
			s := find(allows, func(s statement) bool { return s.allows(c.action) })
			if len(s) != 1 {
				t.Fatalf("%d statements allow %s, want 1", len(s), c.action)
			}
			if !slices.Equal(s[0].Service, []string{cloudtrailService}) || len(s[0].Action) != 1 {
				t.Errorf("statement %q: principal %v actions %v, want only cloudtrail.amazonaws.com and %s", s[0].Sid, s[0].Service, s[0].Action, c.action)
			}
			if !slices.Equal(s[0].Resource, c.resources) {
				t.Errorf("resources = %v, want %v", s[0].Resource, c.resources)
			}
			if got := s[0].condition("StringEquals", "aws:SourceArn"); !slices.Equal(got, []string{trailARN}) {
				t.Errorf("aws:SourceArn = %v, want this trail %s (confused deputy)", got, trailARN)
			}
			if got := s[0].condition("StringEquals", "s3:x-amz-acl"); !slices.Equal(got, c.acl) {
				t.Errorf("s3:x-amz-acl = %v, want %v", got, c.acl)
			}
		})
	}
}

func TestLogBucketLocksEveryLogFile_SH_S3_15_CKV_AWS_143(t *testing.T) {
	for _, c := range []struct {
		name   string
		config map[string]string
		mode   string
		days   float64
	}{
		{"by default in governance mode for a year", nil, "GOVERNANCE", 365},
		{"in the mode and for the days config asks", map[string]string{"objectLockMode": "COMPLIANCE", "objectLockDays": "400", "logExpirationDays": "800"}, "COMPLIANCE", 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := runProgram(t, runOptions{config: c.config})
			bucket := run.one(t, typeBucket, "pipeline-audit-log-bucket")
			if bucket.path("bucket").StringValue() != logBucketName {
				t.Fatalf("audit log bucket is %q, want %q", bucket.path("bucket").StringValue(), logBucketName)
			}
			if v := bucket.path("objectLockEnabled"); !v.IsBool() || !v.BoolValue() {
				t.Errorf("objectLockEnabled = %v, want true (it can only be set at creation)", v)
			}
			lock := run.forBucket(t, typeObjectLock, logBucketName)
			if got := lock.path("rule.defaultRetention.mode").StringValue(); got != c.mode {
				t.Errorf("retention mode = %q, want %q", got, c.mode)
			}
			if got := lock.path("rule.defaultRetention.days").NumberValue(); got != c.days {
				t.Errorf("retention days = %v, want %v", got, c.days)
			}
		})
	}
}

func TestLogBucketArchivesThenExpiresLogsAsConfigured(t *testing.T) {
	run := runProgram(t, runOptions{config: map[string]string{"logTransitionDays": "30", "logExpirationDays": "400"}})
	lc := run.forBucket(t, typeLifecycle, logBucketName)
	var found bool
	for _, r := range lc.path("rules").ArrayValue() {
		rule := r.ObjectValue()
		tr := rule["transitions"]
		if !tr.IsArray() || len(tr.ArrayValue()) != 1 {
			continue
		}
		found = true
		transition := tr.ArrayValue()[0].ObjectValue()
		if transition["days"].NumberValue() != 30 || transition["storageClass"].StringValue() != "GLACIER_IR" {
			t.Errorf("transition = %v, want GLACIER_IR after 30 days", transition)
		}
		if got := rule["expiration"].ObjectValue()["days"].NumberValue(); got != 400 {
			t.Errorf("expiration = %v days, want 400", got)
		}
	}
	if !found {
		t.Fatal("no lifecycle rule moves logs to archive storage")
	}
}

func TestAccessLogsExpireAsConfigured(t *testing.T) {
	run := runProgram(t, runOptions{config: map[string]string{"accessLogExpirationDays": "60"}})
	lc := run.forBucket(t, typeLifecycle, accessBucketName)
	var days []float64
	for _, r := range lc.path("rules").ArrayValue() {
		if e := r.ObjectValue()["expiration"]; e.IsObject() {
			days = append(days, e.ObjectValue()["days"].NumberValue())
		}
	}
	if !slices.Equal(days, []float64{60}) {
		t.Errorf("access-log expirations = %v days, want [60]", days)
	}
}

func TestRawBucketHasTheRunbookFoldersEncryptedWithThePipelineKey(t *testing.T) {
	run := runProgram(t, runOptions{})
	var keys []string
	for _, o := range run.ofType(typeBucketObject) {
		if o.path("bucket").StringValue() != rawBucketName {
			t.Errorf("folder object %q is in bucket %q, want only the raw bucket", o.path("key").StringValue(), o.path("bucket").StringValue())
		}
		if o.path("content").StringValue() != "" {
			t.Errorf("folder %q has content; a folder marker is empty", o.path("key").StringValue())
		}
		if o.path("serverSideEncryption").StringValue() != "aws:kms" || o.path("kmsKeyId").StringValue() != keyARN {
			t.Errorf("folder %q is not written with SSE-KMS and the pipeline key, which the bucket policy demands", o.path("key").StringValue())
		}
		keys = append(keys, o.path("key").StringValue())
	}
	if want := []string{"incoming/", "processed/", "test/"}; !slices.Equal(keys, want) {
		t.Errorf("folders = %v, want %v", keys, want)
	}
}

func TestTheRawBucketHasObjectLockSoReceiptsCanBeLocked_SH_S3_15(t *testing.T) {
	run := runProgram(t, runOptions{})
	lock := run.forBucket(t, typeObjectLock, rawBucketName)
	if got := lock.path("objectLockEnabled").StringValue(); got != "Enabled" {
		t.Errorf("objectLockEnabled = %q, want Enabled", got)
	}
	if v := lock.path("rule"); !v.IsNull() {
		t.Errorf("rule = %v, want none: uploads are not locked by default, receipts are locked by the function", v)
	}
	if v := run.one(t, typeBucket, "pipeline-raw-bucket").path("objectLockEnabled"); v.IsBool() && v.BoolValue() {
		t.Error("objectLockEnabled on the bucket itself would replace an existing raw bucket")
	}
}
