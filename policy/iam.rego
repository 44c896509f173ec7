package secure_data_pipeline

import rego.v1

# METADATA
# title: Role policies grant no wildcards and no KMS decrypt on every key
deny_iam_wildcards contains msg if {
	input.__type == "aws:iam/rolePolicy:RolePolicy"
	doc := policy_doc(input.policy)
	some s in statements(doc)
	s.Effect == "Allow"
	some a in as_list(s.Action)
	wildcard_action(a)
	msg := sprintf("%s: statement %v allows %s (SH IAM.1, IAM.21, CKV_AWS_62, CKV_AWS_355). Fix: list the actions.", [input.__name, object.get(s, "Sid", ""), a])
}

deny_iam_wildcards contains msg if {
	input.__type == "aws:iam/rolePolicy:RolePolicy"
	doc := policy_doc(input.policy)
	some s in statements(doc)
	s.Effect == "Allow"
	"*" in as_list(s.Resource)
	msg := sprintf("%s: statement %v applies to every resource (SH IAM.21, KMS.1, KMS.2, CKV_AWS_355). Fix: name the resources.", [input.__name, object.get(s, "Sid", "")])
}

wildcard_action(a) if a == "*"

wildcard_action(a) if endswith(a, ":*")

# METADATA
# title: Roles trust only a service, never everyone or an account root
deny_iam_trust contains msg if {
	input.__type == "aws:iam/role:Role"
	doc := policy_doc(input.assumeRolePolicy)
	some s in statements(doc)
	s.Effect == "Allow"
	some p in as_list(object.get(s.Principal, "AWS", []))
	msg := sprintf("%s: trust policy names AWS principal %v (CKV_AWS_60, CKV_AWS_61). Fix: trust only the service that runs the role.", [input.__name, p])
}

deny_iam_trust contains msg if {
	input.__type == "aws:iam/role:Role"
	doc := policy_doc(input.assumeRolePolicy)
	some s in statements(doc)
	anyone(s.Principal)
	msg := sprintf("%s: trust policy lets anyone assume the role (CKV_AWS_60). Fix: name the service.", [input.__name])
}

# METADATA
# title: Functions run on a supported runtime
deny_lambda_runtime contains msg if {
	input.__type == "aws:lambda/function:Function"
	not input.runtime in {"provided.al2023", "provided.al2"}
	msg := sprintf("%s: runtime %v is not an OS-only runtime AWS supports (SH Lambda.2, CKV_AWS_363). Fix: use provided.al2023.", [input.__name, input.runtime])
}

# METADATA
# title: Function permissions name their source
deny_lambda_permission contains msg if {
	input.__type == "aws:lambda/permission:Permission"
	not input.sourceArn
	not input.sourceAccount
	msg := sprintf("%s: %v may invoke the function from any source (SH Lambda.1, CKV_AWS_364). Fix: set sourceArn and sourceAccount.", [input.__name, input.principal])
}

# METADATA
# title: Log groups keep logs a year, encrypted
deny_log_group contains msg if {
	input.__type == "aws:cloudwatch/logGroup:LogGroup"
	not input.retentionInDays >= 365
	msg := sprintf("%s: retention %v is under 365 days (SH CloudWatch.16, CKV_AWS_338). Fix: set retentionInDays to 365 or more.", [input.__name, object.get(input, "retentionInDays", "never set")])
}

deny_log_group contains msg if {
	input.__type == "aws:cloudwatch/logGroup:LogGroup"
	not input.kmsKeyId
	msg := sprintf("%s: not encrypted with a KMS key (CKV_AWS_158). Fix: set kmsKeyId to the pipeline key's ARN.", [input.__name])
}

# METADATA
# title: Queues are encrypted with a customer key and admit no one else
deny_sqs contains msg if {
	input.__type == "aws:sqs/queue:Queue"
	not input.kmsMasterKeyId
	msg := sprintf("%s: not encrypted with a customer key (SH SQS.1, CKV2_AWS_73). Fix: set kmsMasterKeyId.", [input.__name])
}

deny_sqs contains msg if {
	input.__type == "aws:sqs/queuePolicy:QueuePolicy"
	doc := policy_doc(input.policy)
	some s in statements(doc)
	s.Effect == "Allow"
	allows_anyone_or_account(s)
	msg := sprintf("%s: statement %v admits %v (SH SQS.3, CKV_AWS_168). Fix: allow only the S3 service for the bucket (aws:SourceArn) and account.", [input.__name, object.get(s, "Sid", ""), s.Principal])
}

# METADATA
# title: Athena workgroups enforce encrypted results and publish metrics
deny_athena_workgroup contains msg if {
	input.__type == "aws:athena/workgroup:Workgroup"
	not input.configuration.resultConfiguration.encryptionConfiguration.encryptionOption == "SSE_KMS"
	msg := sprintf("%s: query results are not SSE-KMS (ATH-01, ATH-02, CKV_AWS_159). Fix: set encryptionOption SSE_KMS with kmsKeyArn.", [input.__name])
}

deny_athena_workgroup contains msg if {
	input.__type == "aws:athena/workgroup:Workgroup"
	not input.configuration.enforceWorkgroupConfiguration == true
	msg := sprintf("%s: clients can override the workgroup's settings (ATH-03, CKV_AWS_82). Fix: set enforceWorkgroupConfiguration true.", [input.__name])
}

deny_athena_workgroup contains msg if {
	input.__type == "aws:athena/workgroup:Workgroup"
	not input.configuration.publishCloudwatchMetricsEnabled == true
	msg := sprintf("%s: query metrics are not published (SH Athena.4). Fix: set publishCloudwatchMetricsEnabled true.", [input.__name])
}

# METADATA
# title: A managed Glue catalog is encrypted with a customer key
deny_glue_catalog_encryption contains msg if {
	input.__type == "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
	settings := input.dataCatalogEncryptionSettings
	not settings.encryptionAtRest.catalogEncryptionMode == "SSE-KMS"
	msg := sprintf("%s: catalog metadata is not SSE-KMS (GLU-01, CKV_AWS_94). Fix: catalogEncryptionMode SSE-KMS with the pipeline key.", [input.__name])
}

deny_glue_catalog_encryption contains msg if {
	input.__type == "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings"
	not input.dataCatalogEncryptionSettings.connectionPasswordEncryption.returnConnectionPasswordEncrypted == true
	msg := sprintf("%s: connection passwords are returned in clear (GLU-01, CKV_AWS_94). Fix: returnConnectionPasswordEncrypted true with a key.", [input.__name])
}
