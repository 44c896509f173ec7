package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/outputs"
)

// mocks answers the pipeline's stack reference and records the role policy.
type mocks struct {
	mu     sync.Mutex
	policy string
	role   string
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	switch args.TypeToken {
	case "pulumi:pulumi:StackReference":
		outs := resource.PropertyMap{}
		for _, n := range outputs.Names() {
			outs[resource.PropertyKey(n)] = resource.NewStringProperty("unused")
		}
		outs[outputs.RawBucketARN] = resource.NewStringProperty("arn:aws:s3:::sdp-prod-raw-data")
		outs[outputs.KMSKeyARN] = resource.NewStringProperty("arn:aws:kms:eu-west-1:111122223333:key/k")
		return args.Name, resource.PropertyMap{"name": args.Inputs["name"], "outputs": resource.NewObjectProperty(outs)}, nil
	case "aws:iam/rolePolicy:RolePolicy":
		m.mu.Lock()
		m.policy, m.role = args.Inputs["policy"].StringValue(), args.Inputs["role"].StringValue()
		m.mu.Unlock()
	}
	return args.Name + "-id", args.Inputs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token == "aws:index/getRegion:getRegion" {
		return resource.PropertyMap{"name": resource.NewStringProperty("eu-west-1")}, nil
	}
	return nil, fmt.Errorf("unexpected invoke %s", args.Token)
}

func TestTheConsumerGrantsItsRoleReadAccessToProcessedOnly(t *testing.T) {
	m := &mocks{}
	err := pulumi.RunErr(run, pulumi.WithMocks("pipeline-consumer", "dev", m), func(ri *pulumi.RunInfo) {
		ri.Config = map[string]string{
			"pipeline-consumer:pipelineStack":  "acme/secure-data-pipeline/prod",
			"pipeline-consumer:readerRoleName": "analytics-reader",
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.role != "analytics-reader" {
		t.Errorf("policy attached to %q, want analytics-reader", m.role)
	}
	var doc struct {
		Statement []struct {
			Sid       string
			Action    []string
			Resource  []string
			Condition map[string]map[string][]string
		}
	}
	if err := json.Unmarshal([]byte(m.policy), &doc); err != nil {
		t.Fatalf("policy %q: %v", m.policy, err)
	}
	got := map[string]string{}
	for _, s := range doc.Statement {
		got[s.Sid] = fmt.Sprint(s.Action, s.Resource, s.Condition)
	}
	want := map[string]string{
		"ReadProcessedObjects": "[s3:GetObject s3:GetObjectVersion] [arn:aws:s3:::sdp-prod-raw-data/processed/*] map[]",
		"ListProcessedOnly":    "[s3:ListBucket] [arn:aws:s3:::sdp-prod-raw-data] map[StringLike:map[s3:prefix:[processed/*]]]",
		"DecryptThroughS3Only": "[kms:Decrypt] [arn:aws:kms:eu-west-1:111122223333:key/k] map[StringEquals:map[kms:ViaService:[s3.eu-west-1.amazonaws.com]]]",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statements =\n%v\nwant\n%v", got, want)
	}
}

func TestTheConsumerSaysWhichConfigIsMissing(t *testing.T) {
	err := pulumi.RunErr(run, pulumi.WithMocks("pipeline-consumer", "dev", &mocks{}))
	if err == nil || !strings.Contains(err.Error(), "pulumi config set pipelineStack") {
		t.Fatalf("err = %v, want one saying how to set pipelineStack", err)
	}
}
