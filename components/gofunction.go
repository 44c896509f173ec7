package components

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// goFunction is a Go Lambda function of the pipeline, with what every one of
// them gets: its own log group, encrypted with the pipeline key and kept
// LogRetentionDays; an execution role that only Lambda, acting for this
// account, can assume, holding exactly Policy; and the function on
// provided.al2023/arm64, created after its log group and its policy.
type goFunction struct {
	Name, Description        string
	Account                  Account
	Code                     pulumi.Archive
	MemoryMB, TimeoutSeconds int
	ReservedConcurrency      int // -1 reserves none
	Env                      pulumi.StringMap
	KMSKeyARN                pulumi.StringInput
	LogRetentionDays         int
	Policy                   pulumi.StringInput // the role's inline policy
	Tags                     map[string]string
}

// newGoFunction creates "<name>-logs", "<name>-role", "<name>-role-policy"
// and "<name>-function", children of parent.
func newGoFunction(ctx *pulumi.Context, name string, f goFunction, parent pulumi.ResourceOption) (*lambda.Function, error) {
	logGroup, err := cloudwatch.NewLogGroup(ctx, name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/lambda/" + f.Name),
		RetentionInDays: pulumi.Int(f.LogRetentionDays),
		KmsKeyId:        f.KMSKeyARN,
		Tags:            pulumi.ToStringMap(f.Tags),
	}, parent)
	if err != nil {
		return nil, err
	}
	trust, err := lambdaTrustPolicy(f.Account).JSON()
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(trust),
		Description:      pulumi.String("Execution role of the function " + f.Name),
		Tags:             pulumi.ToStringMap(f.Tags),
	}, parent)
	if err != nil {
		return nil, err
	}
	rolePolicy, err := iam.NewRolePolicy(ctx, name+"-role-policy", &iam.RolePolicyArgs{Role: role.ID(), Policy: f.Policy}, parent)
	if err != nil {
		return nil, err
	}
	args := &lambda.FunctionArgs{
		Name:          pulumi.String(f.Name),
		Description:   pulumi.String(f.Description),
		Role:          role.Arn,
		Runtime:       pulumi.String("provided.al2023"),
		Handler:       pulumi.String("bootstrap"),
		Architectures: pulumi.StringArray{pulumi.String("arm64")},
		Code:          f.Code,
		MemorySize:    pulumi.Int(f.MemoryMB),
		Timeout:       pulumi.Int(f.TimeoutSeconds),
		Environment:   &lambda.FunctionEnvironmentArgs{Variables: f.Env},
		LoggingConfig: &lambda.FunctionLoggingConfigArgs{LogFormat: pulumi.String("JSON"), LogGroup: logGroup.Name},
		Tags:          pulumi.ToStringMap(f.Tags),
	}
	if f.ReservedConcurrency >= 0 {
		args.ReservedConcurrentExecutions = pulumi.Int(f.ReservedConcurrency)
	}
	return lambda.NewFunction(ctx, name+"-function", args, parent, pulumi.DependsOn([]pulumi.Resource{rolePolicy, logGroup}))
}
