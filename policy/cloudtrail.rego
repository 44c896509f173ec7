package secure_data_pipeline

import rego.v1

# METADATA
# title: Trails encrypt logs with a KMS key
deny_cloudtrail_kms contains msg if {
	input.__type == "aws:cloudtrail/trail:Trail"
	not input.kmsKeyId
	msg := sprintf("%s: log files are not encrypted with a customer key (SH CloudTrail.2, CIS 3.5, CKV_AWS_35). Fix: set kmsKeyId to the pipeline key's ARN.", [input.__name])
}

# METADATA
# title: Trails validate their log files
deny_cloudtrail_log_validation contains msg if {
	input.__type == "aws:cloudtrail/trail:Trail"
	not input.enableLogFileValidation == true
	msg := sprintf("%s: log file validation is off (SH CloudTrail.4, CIS 3.2, CKV_AWS_36). Fix: set enableLogFileValidation true.", [input.__name])
}

# METADATA
# title: Trails are multi-region and logging
deny_cloudtrail_multi_region contains msg if {
	input.__type == "aws:cloudtrail/trail:Trail"
	some flag in ["isMultiRegionTrail", "includeGlobalServiceEvents"]
	not input[flag] == true
	msg := sprintf("%s: %s is not true (SH CloudTrail.1, CIS 3.1, CKV_AWS_67). Fix: set it true.", [input.__name, flag])
}

deny_cloudtrail_multi_region contains msg if {
	input.__type == "aws:cloudtrail/trail:Trail"
	input.enableLogging == false
	msg := sprintf("%s: logging is stopped (CKV_AWS_251). Fix: set enableLogging true.", [input.__name])
}

# METADATA
# title: Trails record the S3 objects of named buckets, never their own bucket
deny_cloudtrail_data_events contains msg if {
	input.__type == "aws:cloudtrail/trail:Trail"
	some sel in input.advancedEventSelectors
	data_selector(sel)
	not scoped(sel)
	msg := sprintf("%s: selector %v records S3 object events of every bucket (CT-08, CT-09). Fix: add resources.ARN StartsWith arn:aws:s3:::<bucket>/ for the audited buckets.", [input.__name, object.get(sel, "name", "")])
}

deny_cloudtrail_data_events contains msg if {
	input.__type == "aws:cloudtrail/trail:Trail"
	known(input.s3BucketName)
	some sel in input.advancedEventSelectors
	data_selector(sel)
	some f in sel.fieldSelectors
	f.field == "resources.ARN"
	some prefix in f.startsWiths
	contains(prefix, sprintf(":::%s/", [input.s3BucketName]))
	msg := sprintf("%s: it records the object events of its own bucket %s, so every delivery is logged again (CT-09). Fix: remove the log bucket from resources.ARN.", [input.__name, input.s3BucketName])
}

data_selector(sel) if {
	some f in sel.fieldSelectors
	f.field == "eventCategory"
	"Data" in f.equals
}

scoped(sel) if {
	some f in sel.fieldSelectors
	f.field == "resources.ARN"
	count(f.startsWiths) > 0
}

# METADATA
# title: The trail's bucket admits only this trail's deliveries
stack_deny_cloudtrail_bucket_policy contains msg if {
	some t in of_type("aws:cloudtrail/trail:Trail")
	known(t.s3BucketName)
	some p in of_type("aws:s3/bucketPolicy:BucketPolicy")
	p.bucket == t.s3BucketName
	doc := policy_doc(p.policy)
	some s in statements(doc)
	s.Effect == "Allow"
	not pinned_to_one_source(s)
	msg := sprintf("%s: statement %v of the trail's bucket policy has no single aws:SourceArn (S3-21, SH CloudTrail.6). Fix: condition every CloudTrail grant on the trail's ARN.", [p.__name, object.get(s, "Sid", "")])
}

stack_deny_cloudtrail_bucket_policy contains msg if {
	some t in of_type("aws:cloudtrail/trail:Trail")
	known(t.s3BucketName)
	some p in of_type("aws:s3/bucketPolicy:BucketPolicy")
	p.bucket == t.s3BucketName
	doc := policy_doc(p.policy)
	some s in statements(doc)
	s.Effect == "Allow"
	not s.Principal.Service == ["cloudtrail.amazonaws.com"]
	not s.Principal.Service == "cloudtrail.amazonaws.com"
	msg := sprintf("%s: the trail's bucket lets %v in (S3-22: a dedicated log bucket). Fix: allow only cloudtrail.amazonaws.com.", [p.__name, s.Principal])
}

# METADATA
# title: The trail's bucket locks its log files
stack_deny_cloudtrail_object_lock contains msg if {
	all_known("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", "bucket")
	some t in of_type("aws:cloudtrail/trail:Trail")
	known(t.s3BucketName)
	not t.s3BucketName in locked_buckets
	msg := sprintf("%s: log bucket %s has no Object Lock default retention (SH S3.15, CKV_AWS_143). Fix: create it with objectLockEnabled and add a BucketObjectLockConfigurationV2.", [t.__name, t.s3BucketName])
}

locked_buckets contains b.bucket if {
	some b in of_type("aws:s3/bucketV2:BucketV2")
	b.objectLockEnabled == true
	some l in of_type("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2")
	l.bucket == b.bucket
	l.rule.defaultRetention.mode in ["GOVERNANCE", "COMPLIANCE"]
}
