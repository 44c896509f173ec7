package components

import (
	"os"
	"path/filepath"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/lambdazip"
)

// The Go packages of the functions. They are built by import path, so a
// program in another module that imports this package builds the same
// functions.
const (
	ProvenancePackage = "github.com/caa304/secure-data-pipeline/functions/provenance"
	VerifierPackage   = "github.com/caa304/secure-data-pipeline/functions/verifier"
)

// builtArchives remembers each build for the life of the process: a program
// builds once, and a test binary that runs the program many times too.
var builtArchives sync.Map // root directory + package -> *archiveBuild

type archiveBuild struct {
	once    sync.Once
	archive lambdazip.Archive
	err     error
}

// functionArchive builds a function from source in the program's root
// directory and returns its deterministic zip.
func functionArchive(ctx *pulumi.Context, pkg string) (pulumi.Archive, error) {
	root := ctx.RootDirectory()
	if root == "" {
		root = "."
	}
	v, _ := builtArchives.LoadOrStore(root+"\x00"+pkg, &archiveBuild{})
	b := v.(*archiveBuild)
	b.once.Do(func() {
		// The engine reads the archive after the program registers it, so it
		// lives outside any temporary directory the build removes. Its path
		// does not matter to Pulumi: only its hash does.
		out := filepath.Join(os.TempDir(), "secure-data-pipeline")
		b.archive, b.err = lambdazip.Build{Package: pkg, Dir: root, Arch: "arm64"}.Zip(ctx.Context(), out)
	})
	if b.err != nil {
		return nil, b.err
	}
	return pulumi.NewFileArchive(b.archive.Path), nil
}
