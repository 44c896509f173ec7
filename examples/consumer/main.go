// Command consumer is an example of another team's Pulumi program built on a
// secure-data-pipeline stack: it reads the stack's outputs through a stack
// reference and lets the team's own role read what the pipeline has
// processed, and nothing else.
package main

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/caa304/secure-data-pipeline/components"
	"github.com/caa304/secure-data-pipeline/components/outputs"
	"github.com/caa304/secure-data-pipeline/components/policydoc"
)

func main() {
	pulumi.Run(run)
}

func run(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	stack, err := cfg.Try("pipelineStack")
	if err != nil {
		return fmt.Errorf("config pipelineStack is required: pulumi config set pipelineStack <org>/secure-data-pipeline/<stack>")
	}
	role, err := cfg.Try("readerRoleName")
	if err != nil {
		return fmt.Errorf("config readerRoleName is required: pulumi config set readerRoleName <your role>")
	}
	pipeline, err := outputs.Read(ctx, stack)
	if err != nil {
		return err
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return err
	}
	policy := pulumi.All(pipeline.RawBucketARN, pipeline.KMSKeyARN).ApplyT(func(v []any) (string, error) {
		return readProcessedPolicy(v[0].(string), v[1].(string), region.Name).JSON()
	}).(pulumi.StringOutput)
	_, err = iam.NewRolePolicy(ctx, "read-processed", &iam.RolePolicyArgs{
		Role:   pulumi.String(role),
		Policy: policy,
	})
	return err
}

// readProcessedPolicy lets a role list and read processed/ of the raw bucket,
// and decrypt with the pipeline key only through S3.
func readProcessedPolicy(bucketARN, keyARN, region string) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{
			Sid:      "ReadProcessedObjects",
			Effect:   policydoc.Allow,
			Action:   []string{"s3:GetObject", "s3:GetObjectVersion"},
			Resource: []string{bucketARN + "/" + components.ProcessedPrefix + "*"},
		},
		policydoc.Statement{
			Sid:       "ListProcessedOnly",
			Effect:    policydoc.Allow,
			Action:    []string{"s3:ListBucket"},
			Resource:  []string{bucketARN},
			Condition: policydoc.Conditions{"StringLike": {"s3:prefix": {components.ProcessedPrefix + "*"}}},
		},
		policydoc.Statement{
			Sid:       "DecryptThroughS3Only",
			Effect:    policydoc.Allow,
			Action:    []string{"kms:Decrypt"},
			Resource:  []string{keyARN},
			Condition: policydoc.Conditions{"StringEquals": {"kms:ViaService": {"s3." + region + ".amazonaws.com"}}},
		},
	)
}
