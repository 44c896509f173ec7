// Package components is the secure-data-pipeline platform package: Pulumi
// component resources that give an environment a KMS key, a hardened raw-data
// bucket, and a CloudTrail trail that records every object-level call on that
// bucket into its own locked log bucket.
//
// Most callers need three calls, the same ones main.go makes:
//
//	args, err := components.ArgsFromConfig(ctx)
//	pipeline, err := components.NewSecurePipeline(ctx, "pipeline", args)
//	err = pipeline.Export(ctx)
//
// Teams that manage their own configuration build a SecurePipelineArgs
// themselves; zero fields take the documented defaults. The component type
// tokens and the stack output names are frozen: renaming them replaces
// resources or breaks the stacks that read the outputs.
package components
