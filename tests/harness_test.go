package tests

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components"
)

// The account, region and partition every mocked invoke answers with.
const (
	testProject   = "secure-data-pipeline"
	testAccountID = "111122223333"
	testRegion    = "eu-west-1"
	testPartition = "aws"
)

// registration is one resource as the engine would receive it.
type registration struct {
	Type         string
	Name         string
	ParentURN    string
	Custom       bool
	Protect      bool
	Dependencies []string
	Inputs       resource.PropertyMap
	// Raw are the inputs as the engine and policy analyzers see them:
	// values unknown during a preview are present, as computed values,
	// where Inputs drops them.
	Raw resource.PropertyMap
}

// recorder is a pulumi.MockResourceMonitor that keeps every registration and
// answers the invokes the program is known to make. An unknown invoke fails
// the run instead of returning empty values that would build malformed ARNs.
type recorder struct {
	dryRun bool

	mu      sync.Mutex
	regs    []registration
	invokes []string
}

func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	reg := registration{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs.Copy()}
	if rpc := args.RegisterRPC; rpc != nil {
		reg.ParentURN = rpc.GetParent()
		reg.Protect = rpc.GetProtect()
		reg.Dependencies = rpc.GetDependencies()
		raw, err := plugin.UnmarshalProperties(rpc.GetObject(), plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
		if err != nil {
			return "", nil, err
		}
		reg.Raw = raw
	}
	r.mu.Lock()
	r.regs = append(r.regs, reg)
	r.mu.Unlock()

	id := args.Name + "-id"
	outs := args.Inputs.Copy()
	if r.dryRun {
		// Preview: a resource being created has no computed outputs yet.
		return "", outs, nil
	}
	str := resource.NewStringProperty
	switch args.TypeToken {
	case "aws:s3/bucketV2:BucketV2":
		name := args.Inputs["bucket"].StringValue()
		id = name
		outs["arn"] = str("arn:aws:s3:::" + name)
	case "aws:kms/key:Key":
		// The pipeline key has the id the tests name; any other key its own.
		keyID := "1234abcd-12ab-34cd-56ef-1234567890ab"
		if args.Name != "pipeline-key-key" {
			keyID = args.Name
		}
		outs["keyId"] = str(keyID)
		outs["arn"] = str(fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", testRegion, testAccountID, keyID))
	case "aws:sqs/queue:Queue":
		name := args.Inputs["name"].StringValue()
		outs["arn"] = str(fmt.Sprintf("arn:aws:sqs:%s:%s:%s", testRegion, testAccountID, name))
		outs["url"] = str(fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", testRegion, testAccountID, name))
	case "aws:lambda/function:Function":
		outs["arn"] = str(fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", testRegion, testAccountID, args.Inputs["name"].StringValue()))
	case "aws:iam/role:Role":
		outs["arn"] = str(fmt.Sprintf("arn:aws:iam::%s:role/%s", testAccountID, args.Name))
	case "aws:cloudwatch/logGroup:LogGroup":
		outs["arn"] = str(fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", testRegion, testAccountID, args.Inputs["name"].StringValue()))
	case "aws:cloudtrail/trail:Trail":
		outs["arn"] = str(fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", testRegion, testAccountID, args.Inputs["name"].StringValue()))
	}
	return id, outs, nil
}

func (r *recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	r.mu.Lock()
	r.invokes = append(r.invokes, args.Token)
	r.mu.Unlock()
	str := resource.NewStringProperty
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.PropertyMap{
			"accountId": str(testAccountID),
			"arn":       str("arn:aws:sts::" + testAccountID + ":assumed-role/platform/ci"),
			"userId":    str("AROAEXAMPLE:ci"),
			"id":        str(testAccountID),
		}, nil
	case "aws:index/getRegion:getRegion":
		return resource.PropertyMap{"name": str(testRegion), "id": str(testRegion), "description": str("Europe (Ireland)")}, nil
	case "aws:index/getPartition:getPartition":
		return resource.PropertyMap{"partition": str(testPartition), "dnsSuffix": str("amazonaws.com"), "id": str(testPartition)}, nil
	}
	return nil, fmt.Errorf("unmocked invoke %q: answer it in the recorder if the program really needs it", args.Token)
}

// programRun is what one run of the program registered and exported.
type programRun struct {
	regs    []registration
	exports map[string]pulumi.Input
	stack   string
}

// runOptions configure one run of the program.
type runOptions struct {
	stack  string
	dryRun bool
	config map[string]string // keys without the project prefix
}

// runProgram runs the program main.go runs, under mocks, and returns every
// registration. It fails the test if the program fails.
func runProgram(t *testing.T, o runOptions) *programRun {
	t.Helper()
	run, err := tryProgram(o)
	if err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return run
}

// tryProgram runs the program and returns its error instead of failing.
func tryProgram(o runOptions) (*programRun, error) {
	if o.stack == "" {
		o.stack = "prod"
	}
	rec := &recorder{dryRun: o.dryRun}
	run := &programRun{stack: o.stack}
	cfg := map[string]string{}
	for k, v := range o.config {
		cfg[testProject+":"+k] = v
	}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		// The same three calls main.go makes.
		args, err := components.ArgsFromConfig(ctx)
		if err != nil {
			return err
		}
		pipeline, err := components.NewSecurePipeline(ctx, "pipeline", args)
		if err != nil {
			return err
		}
		if err := pipeline.Export(ctx); err != nil {
			return err
		}
		run.exports = ctx.GetCurrentExportMap()
		return nil
	}, pulumi.WithMocks(testProject, o.stack, rec), func(ri *pulumi.RunInfo) {
		ri.DryRun = o.dryRun
		ri.Config = cfg
	})
	// RunErr has drained every RPC: the record is complete.
	run.regs = rec.regs
	return run, err
}

// ofType returns the registrations of one resource type.
func (p *programRun) ofType(token string) []registration {
	var out []registration
	for _, r := range p.regs {
		if r.Type == token {
			out = append(out, r)
		}
	}
	return out
}

// one returns the single registration of a type with the given name.
func (p *programRun) one(t *testing.T, token, name string) registration {
	t.Helper()
	for _, r := range p.regs {
		if r.Type == token && r.Name == name {
			return r
		}
	}
	var names []string
	for _, r := range p.ofType(token) {
		names = append(names, r.Name)
	}
	t.Fatalf("no %s named %q; registered: %v", token, name, names)
	return registration{}
}

// forBucket returns the registration of a type whose "bucket" input is the
// given bucket (S3 sub-resources point at their bucket by name).
func (p *programRun) forBucket(t *testing.T, token, bucket string) registration {
	t.Helper()
	var found []registration
	for _, r := range p.ofType(token) {
		if b, ok := r.Inputs["bucket"]; ok && b.IsString() && b.StringValue() == bucket {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s for bucket %q, want 1", len(found), token, bucket)
	}
	return found[0]
}

// bucketNames returns the name of every bucket the program creates, sorted.
func (p *programRun) bucketNames() []string {
	var names []string
	for _, b := range p.ofType(typeBucket) {
		names = append(names, b.Inputs["bucket"].StringValue())
	}
	sort.Strings(names)
	return names
}

// dependsOn reports whether r waits for the resource named name.
func (r registration) dependsOn(name string) bool {
	for _, urn := range r.Dependencies {
		if strings.HasSuffix(urn, "::"+name) {
			return true
		}
	}
	return false
}

// path reads a nested input such as "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm".
// It returns a null value when any step is missing.
func (r registration) path(p string) resource.PropertyValue {
	v := resource.NewObjectProperty(r.Inputs)
	for _, step := range strings.Split(p, ".") {
		index := -1
		if i := strings.IndexByte(step, '['); i >= 0 {
			if _, err := fmt.Sscanf(step[i:], "[%d]", &index); err != nil {
				return resource.NewNullProperty()
			}
			step = step[:i]
		}
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if !v.IsObject() {
			return resource.NewNullProperty()
		}
		v = v.ObjectValue()[resource.PropertyKey(step)]
		if index >= 0 {
			if !v.IsArray() || index >= len(v.ArrayValue()) {
				return resource.NewNullProperty()
			}
			v = v.ArrayValue()[index]
		}
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// Resource type tokens of pulumi-aws v6.
const (
	typeBucket        = "aws:s3/bucketV2:BucketV2"
	typeSSE           = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeVersioning    = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typePublicAccess  = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeOwnership     = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typeBucketPolicy  = "aws:s3/bucketPolicy:BucketPolicy"
	typeLifecycle     = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeLogging       = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typeObjectLock    = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	typeBucketObject  = "aws:s3/bucketObjectv2:BucketObjectv2"
	typeBucketACL     = "aws:s3/bucketAclV2:BucketAclV2"
	typeKey           = "aws:kms/key:Key"
	typeAlias         = "aws:kms/alias:Alias"
	typeTrail         = "aws:cloudtrail/trail:Trail"
	defaultStack      = "prod"
	rawBucketName     = "sdp-prod-raw-data"
	logBucketName     = "sdp-prod-cloudtrail-log"
	accessBucketName  = "sdp-prod-access-logs"
	resultsBucketName = "sdp-prod-athena-results"
	resultsBucketARN  = "arn:aws:s3:::" + resultsBucketName
	trailName         = "sdp-prod-trail"
	trailARN          = "arn:aws:cloudtrail:" + testRegion + ":" + testAccountID + ":trail/" + trailName
	keyARN            = "arn:aws:kms:" + testRegion + ":" + testAccountID + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	rootPrincipalARN  = "arn:aws:iam::" + testAccountID + ":root"
	rawBucketARN      = "arn:aws:s3:::" + rawBucketName
	logBucketARN      = "arn:aws:s3:::" + logBucketName
	accessBucketARN   = "arn:aws:s3:::" + accessBucketName
	cloudtrailService = "cloudtrail.amazonaws.com"
)

// resourceKey converts a string to a property key.
func resourceKey(s string) resource.PropertyKey { return resource.PropertyKey(s) }
