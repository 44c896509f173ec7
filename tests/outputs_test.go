package tests

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/caa304/secure-data-pipeline/components/outputs"
)

func TestTheProgramExportsExactlyTheOutputsContract(t *testing.T) {
	exported := slices.Sorted(maps.Keys(runProgram(t, runOptions{}).exports))
	contract := outputs.Names()
	slices.Sort(contract)
	if !slices.Equal(exported, contract) {
		t.Errorf("program exports %v,\ncontract names %v", exported, contract)
	}
}

// stackRefMock answers a stack reference with the given outputs.
type stackRefMock struct{ outputs resource.PropertyMap }

func (m stackRefMock) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken != "pulumi:pulumi:StackReference" {
		return "", nil, fmt.Errorf("unexpected resource %s", args.TypeToken)
	}
	return args.Name, resource.PropertyMap{"name": args.Inputs["name"], "outputs": resource.NewObjectProperty(m.outputs)}, nil
}

func (stackRefMock) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("unexpected invoke %s", args.Token)
}

func TestReadGivesEveryOutputOfAPipelineStackTyped(t *testing.T) {
	values := resource.PropertyMap{}
	for _, n := range outputs.Names() {
		values[resource.PropertyKey(n)] = resource.NewStringProperty("value of " + n)
	}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		p, err := outputs.Read(ctx, "acme/secure-data-pipeline/prod")
		if err != nil {
			return err
		}
		for name, out := range map[string]pulumi.StringOutput{outputs.RawBucketName: p.RawBucketName, outputs.KMSKeyARN: p.KMSKeyARN, outputs.LedgerViewQueryID: p.LedgerViewQueryID} {
			got, err := internals.UnsafeAwaitOutput(ctx.Context(), out)
			if err != nil || got.Value != "value of "+name {
				return fmt.Errorf("%s = %v, %w; want %q", name, got.Value, err, "value of "+name)
			}
		}
		return nil
	}, pulumi.WithMocks("consumer", "dev", stackRefMock{values}))
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadNamesAnOutputTheStackDoesNotHave(t *testing.T) {
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		p, err := outputs.Read(ctx, "acme/secure-data-pipeline/old")
		if err != nil {
			return err
		}
		_, err = internals.UnsafeAwaitOutput(ctx.Context(), p.LedgerViewQueryID)
		return err
	}, pulumi.WithMocks("consumer", "dev", stackRefMock{resource.PropertyMap{}}))
	if err == nil || !strings.Contains(err.Error(), `no string output "ledgerViewQueryId"`) {
		t.Fatalf("err = %v, want one naming ledgerViewQueryId", err)
	}
}
