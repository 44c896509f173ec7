package tests

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/caa304/secure-data-pipeline/components"
	"github.com/caa304/secure-data-pipeline/components/lambdazip"
)

const (
	typeQueue        = "aws:sqs/queue:Queue"
	typeQueuePolicy  = "aws:sqs/queuePolicy:QueuePolicy"
	typeNotification = "aws:s3/bucketNotification:BucketNotification"
	typeFunction     = "aws:lambda/function:Function"
	typeEventSource  = "aws:lambda/eventSourceMapping:EventSourceMapping"
	typeRole         = "aws:iam/role:Role"
	typeRolePolicy   = "aws:iam/rolePolicy:RolePolicy"
	typeLogGroup     = "aws:cloudwatch/logGroup:LogGroup"
	typeAlarm        = "aws:cloudwatch/metricAlarm:MetricAlarm"

	functionName = "sdp-prod-provenance"
	queueName    = functionName + "-events"
	dlqName      = functionName + "-dlq"
	queueARN     = "arn:aws:sqs:" + testRegion + ":" + testAccountID + ":" + queueName
	dlqARN       = "arn:aws:sqs:" + testRegion + ":" + testAccountID + ":" + dlqName
	logGroupName = "/aws/lambda/" + functionName
	logGroupARN  = "arn:aws:logs:" + testRegion + ":" + testAccountID + ":log-group:" + logGroupName
)

func TestEventsTravelThroughEncryptedQueuesWithADeadLetterQueue_SH_SQS_1_CKV2_AWS_73(t *testing.T) {
	run := runProgram(t, runOptions{config: map[string]string{"maxReceiveCount": "7", "functionTimeoutSeconds": "120"}})
	queue := run.one(t, typeQueue, "pipeline-provenance-events")
	dlq := run.one(t, typeQueue, "pipeline-provenance-dlq")
	for _, q := range []registration{queue, dlq} {
		if got := q.path("kmsMasterKeyId").StringValue(); got != keyARN {
			t.Errorf("%s kmsMasterKeyId = %q, want the pipeline key", q.Name, got)
		}
	}
	if got := queue.path("name").StringValue(); got != queueName {
		t.Errorf("queue name = %q, want %q", got, queueName)
	}
	var redrive struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		MaxReceiveCount     int    `json:"maxReceiveCount"`
	}
	if err := json.Unmarshal([]byte(queue.path("redrivePolicy").StringValue()), &redrive); err != nil {
		t.Fatalf("redrivePolicy: %v", err)
	}
	if redrive.DeadLetterTargetArn != dlqARN || redrive.MaxReceiveCount != 7 {
		t.Errorf("redrive = %+v, want %s after 7 receives (maxReceiveCount)", redrive, dlqARN)
	}
	if got := dlq.path("messageRetentionSeconds").NumberValue(); got != 14*24*3600 {
		t.Errorf("dead-letter retention = %v s, want 14 days", got)
	}
	if got := queue.path("visibilityTimeoutSeconds").NumberValue(); got != 6*120 {
		t.Errorf("visibility timeout = %v s, want six times the function timeout (720)", got)
	}
}

func TestOnlyTheRawBucketMaySendToTheEventQueue_SH_SQS_3_CKV_AWS_168(t *testing.T) {
	run := runProgram(t, runOptions{})
	stmts := parsePolicy(t, run.one(t, typeQueuePolicy, "pipeline-provenance-events-policy"))
	allows := find(stmts, func(s statement) bool { return s.Effect == "Allow" })
	if len(allows) != 1 {
		t.Fatalf("%d Allow statements, want 1", len(allows))
	}
	s := allows[0]
	if !slices.Equal(s.Service, []string{"s3.amazonaws.com"}) || len(s.AWS) != 0 || s.Anyone ||
		!slices.Equal(s.Action, []string{"sqs:SendMessage"}) || !slices.Equal(s.Resource, []string{queueARN}) {
		t.Errorf("allow = %+v, want s3.amazonaws.com sqs:SendMessage on %s only", s, queueARN)
	}
	if got := s.condition("ArnEquals", "aws:SourceArn"); !slices.Equal(got, []string{rawBucketARN}) {
		t.Errorf("aws:SourceArn = %v, want the raw bucket", got)
	}
	if got := s.condition("StringEquals", "aws:SourceAccount"); !slices.Equal(got, []string{testAccountID}) {
		t.Errorf("aws:SourceAccount = %v, want %s", got, testAccountID)
	}
	for _, name := range []string{"pipeline-provenance-events-policy", "pipeline-provenance-dlq-policy"} {
		tls := find(parsePolicy(t, run.one(t, typeQueuePolicy, name)), func(s statement) bool {
			return s.Effect == "Deny" && s.Anyone && slices.Equal(s.condition("Bool", "aws:SecureTransport"), []string{"false"})
		})
		if len(tls) != 1 {
			t.Errorf("%s: %d TLS-only deny statements, want 1", name, len(tls))
		}
	}
}

func TestTheRawBucketNotifiesTheQueueOfEveryObjectCreatedUnderIncoming_SH_S3_11(t *testing.T) {
	run := runProgram(t, runOptions{})
	n := run.forBucket(t, typeNotification, rawBucketName)
	queues := n.path("queues").ArrayValue()
	if len(queues) != 1 {
		t.Fatalf("%d queue notifications, want 1", len(queues))
	}
	q := queues[0].ObjectValue()
	if q["queueArn"].StringValue() != queueARN || q["filterPrefix"].StringValue() != "incoming/" {
		t.Errorf("notification = %v, want %s for incoming/", q, queueARN)
	}
	var events []string
	for _, e := range q["events"].ArrayValue() {
		events = append(events, e.StringValue())
	}
	if !slices.Equal(events, []string{"s3:ObjectCreated:*"}) {
		t.Errorf("events = %v, want [s3:ObjectCreated:*]", events)
	}
	if !n.dependsOn("pipeline-provenance-events-policy") {
		t.Error("the notification does not wait for the queue policy; S3 would refuse to save it")
	}
}

func TestTheKeyLetsServicesEncryptOnlyForThePipelinesOwnResources_KMS_06_CWL_02(t *testing.T) {
	key := runProgram(t, runOptions{}).one(t, typeKey, "pipeline-key-key")
	stmts := parsePolicy(t, key)
	s3 := find(stmts, func(s statement) bool { return slices.Contains(s.Service, "s3.amazonaws.com") })
	if len(s3) != 1 || !slices.Equal(s3[0].Action, []string{"kms:Decrypt", "kms:GenerateDataKey"}) ||
		!slices.Equal(s3[0].condition("ArnEquals", "aws:SourceArn"), []string{rawBucketARN}) ||
		!slices.Equal(s3[0].condition("StringEquals", "aws:SourceAccount"), []string{testAccountID}) {
		t.Errorf("S3 statements = %+v, want one letting S3 encrypt notifications of the raw bucket only", s3)
	}
	logs := find(stmts, func(s statement) bool { return slices.Contains(s.Service, "logs."+testRegion+".amazonaws.com") })
	if len(logs) != 1 || !slices.Equal(logs[0].condition("ArnEquals", "kms:EncryptionContext:aws:logs:arn"), []string{logGroupARN, logGroupARN + "-v"}) {
		t.Errorf("CloudWatch Logs statements = %+v, want one for the two functions' log groups only", logs)
	}
	for _, s := range logs {
		for _, a := range s.Action {
			if strings.Contains(a, "*") {
				t.Errorf("CloudWatch Logs may %q; actions are listed one by one", a)
			}
		}
	}
}

func TestTheFunctionIsGoOnArm64WithTheConfiguredLimits_SH_Lambda_2_CKV_AWS_363(t *testing.T) {
	for _, c := range []struct {
		name     string
		config   map[string]string
		memory   float64
		timeout  float64
		reserved float64 // -1: not set
	}{
		{"by default", nil, 512, 300, -1},
		{"as config asks", map[string]string{"functionMemoryMb": "1024", "functionTimeoutSeconds": "60", "functionReservedConcurrency": "3"}, 1024, 60, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			fn := runProgram(t, runOptions{config: c.config}).one(t, typeFunction, "pipeline-provenance-function")
			for field, want := range map[string]string{"runtime": "provided.al2023", "handler": "bootstrap", "name": functionName, "architectures[0]": "arm64",
				"environment.variables.INCOMING_PREFIX": "incoming/", "loggingConfig.logGroup": logGroupName, "loggingConfig.logFormat": "JSON"} {
				if got := fn.path(field).StringValue(); got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			if fn.path("memorySize").NumberValue() != c.memory || fn.path("timeout").NumberValue() != c.timeout {
				t.Errorf("memory %v timeout %v, want %v and %v", fn.path("memorySize"), fn.path("timeout"), c.memory, c.timeout)
			}
			if v := fn.path("reservedConcurrentExecutions"); c.reserved < 0 && !v.IsNull() || c.reserved >= 0 && v.NumberValue() != c.reserved {
				t.Errorf("reservedConcurrentExecutions = %v, want %v (-1: unset)", v, c.reserved)
			}
			for _, dep := range []string{"pipeline-provenance-role-policy", "pipeline-provenance-logs"} {
				if !fn.dependsOn(dep) {
					t.Errorf("the function does not wait for %s", dep)
				}
			}
		})
	}
}

func TestTheFunctionLogsToItsOwnEncryptedLogGroupForAYear_SH_CloudWatch_16_CKV_AWS_338_CKV_AWS_158(t *testing.T) {
	lg := runProgram(t, runOptions{}).one(t, typeLogGroup, "pipeline-provenance-logs")
	if lg.path("name").StringValue() != logGroupName || lg.path("retentionInDays").NumberValue() != 365 || lg.path("kmsKeyId").StringValue() != keyARN {
		t.Errorf("log group = %v, want %s kept 365 days and encrypted with the pipeline key", lg.Inputs, logGroupName)
	}
}

func TestTheRoleTrustsOnlyLambdaActingForThisAccount_CKV_AWS_60_CKV_AWS_61(t *testing.T) {
	role := runProgram(t, runOptions{}).one(t, typeRole, "pipeline-provenance-role")
	v := role.path("assumeRolePolicy")
	role.Inputs["policy"] = v // parsePolicy reads "policy"
	stmts := parsePolicy(t, role)
	if len(stmts) != 1 {
		t.Fatalf("%d trust statements, want 1", len(stmts))
	}
	s := stmts[0]
	if !slices.Equal(s.Service, []string{"lambda.amazonaws.com"}) || len(s.AWS) != 0 || s.Anyone || !slices.Equal(s.Action, []string{"sts:AssumeRole"}) {
		t.Errorf("trust = %+v, want only lambda.amazonaws.com to sts:AssumeRole", s)
	}
	if got := s.condition("StringEquals", "aws:SourceAccount"); !slices.Equal(got, []string{testAccountID}) {
		t.Errorf("aws:SourceAccount = %v, want %s", got, testAccountID)
	}
}

func TestTheRoleMayDoOnlyWhatTheFunctionNeeds_SH_IAM_1_IAM_21_KMS_1_KMS_2(t *testing.T) {
	run := runProgram(t, runOptions{})
	stmts := parsePolicy(t, run.one(t, typeRolePolicy, "pipeline-provenance-role-policy"))
	type grant struct{ actions, resources string }
	got := map[grant]map[string]map[string][]string{}
	for _, s := range stmts {
		if s.Effect != "Allow" || s.NotAction || s.NotResource {
			t.Errorf("statement %q is not a plain Allow", s.Sid)
		}
		for _, a := range append(slices.Clone(s.Action), s.Resource...) {
			if a == "*" || strings.HasSuffix(a, ":*") && !strings.HasSuffix(a, "log-stream:*") {
				t.Errorf("statement %q uses the wildcard %q", s.Sid, a)
			}
		}
		got[grant{strings.Join(s.Action, " "), strings.Join(s.Resource, " ")}] = s.Condition
	}
	want := map[grant]map[string]map[string][]string{
		{"s3:GetObject s3:GetObjectVersion", rawBucketARN + "/incoming/*"}:                  {},
		{"s3:GetObject s3:PutObject s3:PutObjectRetention", rawBucketARN + "/provenance/*"}: {},
		{"s3:ListBucket", rawBucketARN}:                                                     {},
		{"kms:Decrypt kms:GenerateDataKey", keyARN}: {"StringEquals": {"kms:ViaService": {
			"s3." + testRegion + ".amazonaws.com", "sqs." + testRegion + ".amazonaws.com"}}},
		{"sqs:ChangeMessageVisibility sqs:DeleteMessage sqs:GetQueueAttributes sqs:ReceiveMessage", queueARN}: {},
		{"logs:CreateLogStream logs:PutLogEvents", logGroupARN + ":log-stream:*"}:                             {},
	}
	for g, cond := range want {
		c, ok := got[g]
		if !ok {
			t.Errorf("no statement grants %s on %s", g.actions, g.resources)
			continue
		}
		gotJSON, _ := json.Marshal(c)
		wantJSON, _ := json.Marshal(cond)
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("%s on %s: conditions %s, want %s", g.actions, g.resources, gotJSON, wantJSON)
		}
	}
	for g := range got {
		if _, ok := want[g]; !ok {
			t.Errorf("unexpected grant %s on %s", g.actions, g.resources)
		}
	}
}

func TestTheQueueInvokesTheFunctionAndRetriesOnlyFailedMessages(t *testing.T) {
	run := runProgram(t, runOptions{config: map[string]string{"eventMaxConcurrency": "8", "eventBatchSize": "4"}})
	esm := run.one(t, typeEventSource, "pipeline-provenance-event-source")
	if esm.path("eventSourceArn").StringValue() != queueARN || !strings.HasSuffix(esm.path("functionName").StringValue(), ":function:"+functionName) {
		t.Errorf("event source = %v, want %s invoking %s", esm.Inputs, queueARN, functionName)
	}
	if got := esm.path("functionResponseTypes[0]").StringValue(); got != "ReportBatchItemFailures" {
		t.Errorf("functionResponseTypes = %v, want [ReportBatchItemFailures]", esm.path("functionResponseTypes"))
	}
	if esm.path("scalingConfig.maximumConcurrency").NumberValue() != 8 || esm.path("batchSize").NumberValue() != 4 {
		t.Errorf("maximumConcurrency %v batchSize %v, want 8 and 4", esm.path("scalingConfig.maximumConcurrency"), esm.path("batchSize"))
	}
}

func TestAlarmsFireOnTheFirstDeadLetterAndTheFirstError(t *testing.T) {
	for _, c := range []struct {
		name   string
		config map[string]string
		topic  string
	}{
		{"without a topic", nil, ""},
		{"notifying the configured topic", map[string]string{"alarmTopicArn": "arn:aws:sns:eu-west-1:111122223333:ops"}, "arn:aws:sns:eu-west-1:111122223333:ops"},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := runProgram(t, runOptions{config: c.config})
			for name, want := range map[string][3]string{
				"pipeline-provenance-dlq-alarm":    {"AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName=" + dlqName},
				"pipeline-provenance-errors-alarm": {"AWS/Lambda", "Errors", "FunctionName=" + functionName},
			} {
				a := run.one(t, typeAlarm, name)
				dims := a.path("dimensions").ObjectValue()
				var dim string
				for k, v := range dims {
					dim = string(k) + "=" + v.StringValue()
				}
				if a.path("namespace").StringValue() != want[0] || a.path("metricName").StringValue() != want[1] || dim != want[2] ||
					a.path("threshold").NumberValue() != 0 || a.path("comparisonOperator").StringValue() != "GreaterThanThreshold" {
					t.Errorf("%s = %v, want %v above 0", name, a.Inputs, want)
				}
				actions := a.path("alarmActions")
				if c.topic == "" && actions.IsArray() && len(actions.ArrayValue()) > 0 || c.topic != "" && a.path("alarmActions[0]").StringValue() != c.topic {
					t.Errorf("%s alarmActions = %v, want %q", name, actions, c.topic)
				}
			}
		})
	}
}

func TestTheFunctionCodeIsTheDeterministicBuildOfItsSource(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provenance function")
	}
	fn := runProgram(t, runOptions{}).one(t, typeFunction, "pipeline-provenance-function")
	code := fn.path("code")
	if !code.IsArchive() {
		t.Fatalf("code = %v, want an archive", code)
	}
	archive := code.ArchiveValue()
	if err := archive.EnsureHash(); err != nil {
		t.Fatal(err)
	}
	// Built again, independently: the engine would see the same hash and
	// `pulumi preview` would show no code change.
	again, err := lambdazip.Build{Package: components.ProvenancePackage, Dir: "..", Arch: "arm64"}.Zip(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if archive.Hash != again.SHA256 {
		t.Errorf("the program's archive hashes to %s, a fresh build of the same source to %s", archive.Hash, again.SHA256)
	}
}

func TestReceiptsAreLockedAndTheFunctionCannotShortenALock(t *testing.T) {
	run := runProgram(t, runOptions{config: map[string]string{"receiptLockMode": "COMPLIANCE", "receiptLockDays": "2555"}})
	fn := run.one(t, typeFunction, "pipeline-provenance-function")
	if fn.path("environment.variables.RECEIPT_LOCK_MODE").StringValue() != "COMPLIANCE" || fn.path("environment.variables.RECEIPT_LOCK_DAYS").StringValue() != "2555" {
		t.Errorf("function environment = %v, want COMPLIANCE for 2555 days", fn.path("environment.variables"))
	}
	for _, s := range parsePolicy(t, run.one(t, typeRolePolicy, "pipeline-provenance-role-policy")) {
		for _, a := range s.Action {
			if a == "s3:BypassGovernanceRetention" || a == "s3:PutObjectLegalHold" || a == "s3:DeleteObjectVersion" {
				t.Errorf("statement %q grants %s: the function could undo a lock", s.Sid, a)
			}
		}
	}
}
