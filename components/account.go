package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Account is the AWS partition, region and account a stack deploys into.
// Policies name ARNs built from it as plain strings, which keeps them known
// at preview time and breaks the cycle between the trail and the policies
// that must name the trail before it exists.
type Account struct {
	Partition string // "aws", "aws-cn", "aws-us-gov"
	Region    string // for example "eu-west-1"
	ID        string // the 12-digit account id
}

// LookupAccount asks the AWS provider which partition, region and account the
// stack deploys into. The invokes take opts so that an explicit provider on
// the calling component is honoured.
func LookupAccount(ctx *pulumi.Context, opts ...pulumi.InvokeOption) (Account, error) {
	partition, err := aws.GetPartition(ctx, nil, opts...)
	if err != nil {
		return Account{}, fmt.Errorf("looking up the AWS partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, opts...)
	if err != nil {
		return Account{}, fmt.Errorf("looking up the AWS region: %w", err)
	}
	identity, err := aws.GetCallerIdentity(ctx, nil, opts...)
	if err != nil {
		return Account{}, fmt.Errorf("looking up the AWS account (are your credentials valid? try `aws sso login`): %w", err)
	}
	a := Account{Partition: partition.Partition, Region: region.Name, ID: identity.AccountId}
	return a, a.Validate()
}

// Validate reports an account with a missing part, which would otherwise
// produce malformed ARNs that AWS rejects only at deploy time.
func (a Account) Validate() error {
	switch {
	case a.Partition == "":
		return fmt.Errorf("account: Partition is empty; set it to the AWS partition, for example \"aws\"")
	case a.Region == "":
		return fmt.Errorf("account: Region is empty; set aws:region, for example `pulumi config set aws:region eu-west-1`")
	case len(a.ID) != 12:
		return fmt.Errorf("account: ID %q is not a 12-digit AWS account id", a.ID)
	}
	return nil
}

// RootARN is the ARN of the account's root principal, which stands for the
// account as a whole in key policies.
func (a Account) RootARN() string {
	return fmt.Sprintf("arn:%s:iam::%s:root", a.Partition, a.ID)
}

// BucketARN is the ARN of the named S3 bucket.
func (a Account) BucketARN(bucket string) string {
	return fmt.Sprintf("arn:%s:s3:::%s", a.Partition, bucket)
}

// TrailARN is the ARN the named CloudTrail trail has once created in this
// account and region.
func (a Account) TrailARN(trail string) string {
	return fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", a.Partition, a.Region, a.ID, trail)
}

// LogGroupARN is the ARN of the named CloudWatch Logs log group, as CloudWatch
// Logs names it in its KMS encryption context.
func (a Account) LogGroupARN(group string) string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", a.Partition, a.Region, a.ID, group)
}

// QueueARN is the ARN of the named SQS queue.
func (a Account) QueueARN(queue string) string {
	return fmt.Sprintf("arn:%s:sqs:%s:%s:%s", a.Partition, a.Region, a.ID, queue)
}
