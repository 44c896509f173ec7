package secure_data_pipeline

import rego.v1

# METADATA
# title: Keys rotate
deny_kms_rotation contains msg if {
	input.__type == "aws:kms/key:Key"
	symmetric(input)
	not input.enableKeyRotation == true
	msg := sprintf("%s: automatic rotation is off (SH KMS.4, CIS 3.6, CKV_AWS_7). Fix: set enableKeyRotation true.", [input.__name])
}

# METADATA
# title: Keys have an explicit policy that no outsider can use
deny_kms_policy contains msg if {
	input.__type == "aws:kms/key:Key"
	not input.policy
	msg := sprintf("%s: no explicit key policy (CKV2_AWS_64). Fix: set policy.", [input.__name])
}

deny_kms_policy contains msg if {
	input.__type == "aws:kms/key:Key"
	doc := policy_doc(input.policy)
	some s in statements(doc)
	s.Effect == "Allow"
	anyone(s.Principal)
	count(object.get(s, "Condition", {})) == 0
	msg := sprintf("%s: statement %v lets anyone use the key (SH KMS.5, CKV_AWS_33). Fix: name principals, or condition the statement.", [input.__name, object.get(s, "Sid", "")])
}

# METADATA
# title: Keys keep a deletion window and never bypass the lockout check
deny_kms_deletion contains msg if {
	input.__type == "aws:kms/key:Key"
	not input.deletionWindowInDays >= 7
	msg := sprintf("%s: deletionWindowInDays is not set to 7-30 (SH KMS.3). Fix: set it, 30 by default.", [input.__name])
}

deny_kms_deletion contains msg if {
	input.__type == "aws:kms/key:Key"
	input.bypassPolicyLockoutSafetyCheck == true
	msg := sprintf("%s: bypassPolicyLockoutSafetyCheck is true (KMS-08). Fix: remove it.", [input.__name])
}

# METADATA
# title: AWS services use the key only for this pipeline's resources
deny_kms_service_conditions contains msg if {
	input.__type == "aws:kms/key:Key"
	doc := policy_doc(input.policy)
	some s in statements(doc)
	s.Effect == "Allow"
	s.Principal.Service
	count(object.get(s, "Condition", {})) == 0
	msg := sprintf("%s: statement %v lets %v use the key without conditions (KMS-06). Fix: condition it on aws:SourceArn or the encryption context.", [input.__name, object.get(s, "Sid", ""), s.Principal.Service])
}

deny_kms_service_conditions contains msg if {
	input.__type == "aws:kms/key:Key"
	doc := policy_doc(input.policy)
	some s in statements(doc)
	s.Effect == "Allow"
	"cloudtrail.amazonaws.com" in as_list(s.Principal.Service)
	not pinned_to_one_source(s)
	msg := sprintf("%s: CloudTrail may use the key for any trail (KMS-06, AWS CloudTrail key policy guidance). Fix: condition on aws:SourceArn = the trail ARN.", [input.__name])
}

# symmetric reports a symmetric encryption key: the only kind KMS rotates.
symmetric(key) if not key.customerMasterKeySpec

symmetric(key) if key.customerMasterKeySpec == "SYMMETRIC_DEFAULT"
