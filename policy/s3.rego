package secure_data_pipeline

import rego.v1

# METADATA
# title: Buckets block all public access
deny_s3_public_access_block contains msg if {
	input.__type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	some flag in ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]
	not input[flag] == true
	msg := sprintf("%s: %s is not true (SH S3.8, CIS 2.1.4, CKV2_AWS_6). Fix: set all four public-access-block flags to true.", [input.__name, flag])
}

# METADATA
# title: Buckets do not use ACLs
deny_s3_acls contains msg if {
	input.__type == "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	not input.rule.objectOwnership == "BucketOwnerEnforced"
	msg := sprintf("%s: object ownership is %v (SH S3.12, CKV2_AWS_65). Fix: set rule.objectOwnership to BucketOwnerEnforced.", [input.__name, input.rule.objectOwnership])
}

deny_s3_acls contains msg if {
	input.__type == "aws:s3/bucketV2:BucketV2"
	input.acl in {"public-read", "public-read-write", "authenticated-read"}
	msg := sprintf("%s: canned ACL %s makes objects public (SH S3.2, S3.3, CKV_AWS_20). Fix: remove the acl; ownership is BucketOwnerEnforced.", [input.__name, input.acl])
}

deny_s3_acls contains msg if {
	input.__type == "aws:s3/bucketAclV2:BucketAclV2"
	msg := sprintf("%s: bucket ACLs grant access outside policies (SH S3.2, S3.3, S3.12). Fix: remove the ACL; grant through bucket policies.", [input.__name])
}

# METADATA
# title: Bucket policies deny requests without TLS
deny_s3_tls_only contains msg if {
	input.__type == "aws:s3/bucketPolicy:BucketPolicy"
	doc := policy_doc(input.policy)
	not tls_deny(doc)
	msg := sprintf("%s: no statement denies s3:* to * when aws:SecureTransport is false (SH S3.5, CIS 2.1.1). Fix: add the TLS-only Deny on the bucket and its objects.", [input.__name])
}

tls_deny(doc) if {
	some s in statements(doc)
	s.Effect == "Deny"
	anyone(s.Principal)
	"s3:*" in as_list(s.Action)
	"false" in condition_values(s, "Bool", "aws:SecureTransport")
}

# METADATA
# title: Bucket policies allow no one without conditions and no other account
deny_s3_policy_public_allow contains msg if {
	input.__type == "aws:s3/bucketPolicy:BucketPolicy"
	doc := policy_doc(input.policy)
	some s in statements(doc)
	s.Effect == "Allow"
	allows_anyone_or_account(s)
	msg := sprintf("%s: statement %v allows %v (CKV_AWS_70, SH S3.2, S3.3, S3.6). Fix: allow only AWS service principals, each with aws:SourceArn or aws:SourceAccount conditions.", [input.__name, object.get(s, "Sid", ""), s.Principal])
}

allows_anyone_or_account(s) if anyone(s.Principal)

allows_anyone_or_account(s) if count(as_list(object.get(s.Principal, "AWS", []))) > 0

allows_anyone_or_account(s) if {
	s.Principal.Service
	count(object.get(s, "Condition", {})) == 0
}

# METADATA
# title: Buckets are versioned
deny_s3_versioning contains msg if {
	input.__type == "aws:s3/bucketVersioningV2:BucketVersioningV2"
	not input.versioningConfiguration.status == "Enabled"
	msg := sprintf("%s: versioning is not Enabled (SH S3.14, CKV_AWS_21). Fix: set versioningConfiguration.status to Enabled.", [input.__name])
}

# METADATA
# title: Data buckets use SSE-KMS with a customer key and an S3 Bucket Key
stack_deny_s3_kms_encryption contains msg if {
	all_known("aws:s3/bucketLoggingV2:BucketLoggingV2", "targetBucket")
	some sse in of_type("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
	known(sse.bucket)
	not sse.bucket in log_targets
	rule := sse.rules[0]
	not kms_with_bucket_key(rule)
	msg := sprintf("%s: bucket %s is not encrypted with SSE-KMS, a key ARN and a Bucket Key (SH S3.17, CKV_AWS_145). Fix: sseAlgorithm aws:kms, kmsMasterKeyId the key's ARN, bucketKeyEnabled true.", [sse.__name, sse.bucket])
}

log_targets contains b if {
	some l in of_type("aws:s3/bucketLoggingV2:BucketLoggingV2")
	b := l.targetBucket
}

kms_with_bucket_key(rule) if {
	rule.applyServerSideEncryptionByDefault.sseAlgorithm == "aws:kms"
	startswith(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId, "arn:")
	rule.bucketKeyEnabled == true
}

kms_with_bucket_key(rule) if {
	# The key ARN is unknown until the key exists: judge it when it is known.
	rule.applyServerSideEncryptionByDefault.sseAlgorithm == "aws:kms"
	not is_string(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId)
	rule.bucketKeyEnabled == true
}

# METADATA
# title: Buckets log server access, except the log target itself
stack_deny_s3_access_logging contains msg if {
	all_known("aws:s3/bucketLoggingV2:BucketLoggingV2", "bucket")
	all_known("aws:s3/bucketLoggingV2:BucketLoggingV2", "targetBucket")
	some b in of_type("aws:s3/bucketV2:BucketV2")
	name := b.bucket
	known(name)
	not name in log_targets
	not name in logged_buckets
	msg := sprintf("%s: bucket %s sends no server access logs (SH S3.9, CIS 3.4). Fix: add a BucketLoggingV2 to the SSE-S3 access-log bucket.", [b.__name, name])
}

logged_buckets contains b if {
	some l in of_type("aws:s3/bucketLoggingV2:BucketLoggingV2")
	b := l.bucket
}

# METADATA
# title: Buckets abort incomplete multipart uploads and have a lifecycle
stack_deny_s3_lifecycle contains msg if {
	all_known("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "bucket")
	some b in of_type("aws:s3/bucketV2:BucketV2")
	name := b.bucket
	known(name)
	not name in buckets_aborting_uploads
	msg := sprintf("%s: bucket %s has no enabled whole-bucket rule aborting incomplete multipart uploads (SH S3.13, S3.10, CKV_AWS_300, CKV2_AWS_61). Fix: add a BucketLifecycleConfigurationV2 with abortIncompleteMultipartUpload.", [b.__name, name])
}

buckets_aborting_uploads contains b if {
	some lc in of_type("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
	some rule in lc.rules
	rule.status == "Enabled"
	rule.abortIncompleteMultipartUpload.daysAfterInitiation > 0
	object.get(object.get(rule, "filter", {}), "prefix", "") == ""
	b := lc.bucket
}

# METADATA
# title: Ingestion buckets refuse uploads with another encryption
stack_deny_s3_upload_encryption contains msg if {
	some n in of_type("aws:s3/bucketNotification:BucketNotification")
	known(n.bucket)
	some p in of_type("aws:s3/bucketPolicy:BucketPolicy")
	p.bucket == n.bucket
	doc := policy_doc(p.policy)
	not denies_other_sse(doc)
	msg := sprintf("%s: the policy of ingestion bucket %s does not deny PutObject with another SSE algorithm (S3-20, AWS prescriptive guidance). Fix: Deny s3:PutObject when s3:x-amz-server-side-encryption is not aws:kms (StringNotEqualsIfExists).", [p.__name, p.bucket])
}

denies_other_sse(doc) if {
	some s in statements(doc)
	s.Effect == "Deny"
	"s3:PutObject" in as_list(s.Action)
	"aws:kms" in condition_values(s, "StringNotEqualsIfExists", "s3:x-amz-server-side-encryption")
}

# METADATA
# title: Ingestion buckets notify on new objects
stack_deny_s3_event_notifications contains msg if {
	all_known("aws:s3/bucketNotification:BucketNotification", "bucket")
	some t in of_type("aws:cloudtrail/trail:Trail")
	some sel in t.advancedEventSelectors
	some f in sel.fieldSelectors
	f.field == "resources.ARN"
	some prefix in f.startsWiths
	bucket := trim_suffix(split(prefix, ":::")[1], "/")
	not bucket in notifying_buckets
	msg := sprintf("%s: audited bucket %s has no event notification (SH S3.11, CKV2_AWS_62). Fix: add a BucketNotification for s3:ObjectCreated:*.", [t.__name, bucket])
}

notifying_buckets contains n.bucket if some n in of_type("aws:s3/bucketNotification:BucketNotification")
