// Command secure-data-pipeline is the Pulumi program that deploys one
// environment of the pipeline: it reads the stack's config, builds the
// pipeline and exports its outputs. Everything else is in package components.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		args, err := components.ArgsFromConfig(ctx)
		if err != nil {
			return err
		}
		pipeline, err := components.NewSecurePipeline(ctx, "pipeline", args)
		if err != nil {
			return err
		}
		return pipeline.Export(ctx)
	})
}
