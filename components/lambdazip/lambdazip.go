// Package lambdazip builds a Go Lambda function for the provided.al2023
// runtime and packs it into a zip archive that is the same, bit for bit,
// whenever the source is the same.
//
// Pulumi decides whether a function's code changed by the SHA-256 of its zip
// file. A zip carrying build paths, VCS stamps or file modification times
// changes on every build, and every `pulumi preview` would then show a code
// diff; one built here changes only when the program does.
package lambdazip

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Handler is the executable name provided.al2023 runs.
const Handler = "bootstrap"

// Modified is the time stamped on the archive entry: the earliest time a zip
// header can hold, so it never depends on when or where the build ran.
var Modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Build describes one function to build.
type Build struct {
	// Package is the Go package of the function's main, as an import path
	// or a directory relative to Dir.
	Package string
	// Dir is the directory `go build` runs in, inside the module that
	// provides Package (or requires it).
	Dir string
	// Arch is the Lambda architecture, "arm64" or "x86_64". Default arm64.
	Arch string
}

// Archive is a built function.
type Archive struct {
	// Path is the zip file.
	Path string
	// SHA256 is the hex SHA-256 of the zip file, which Pulumi compares.
	SHA256 string
}

// Zip builds the function and writes its archive into outDir, named after
// its hash so that archives of different builds never overwrite each other.
func (b Build) Zip(ctx context.Context, outDir string) (Archive, error) {
	binary, err := b.compile(ctx)
	if err != nil {
		return Archive{}, err
	}
	data, err := Pack(binary)
	if err != nil {
		return Archive{}, err
	}
	sum := sha256.Sum256(data)
	a := Archive{SHA256: hex.EncodeToString(sum[:])}
	if err := os.MkdirAll(outDir, 0o750); err != nil {
		return Archive{}, err
	}
	a.Path = filepath.Join(outDir, "lambda-"+a.SHA256[:16]+".zip")
	tmp, err := os.CreateTemp(outDir, ".lambda-*.zip")
	if err != nil {
		return Archive{}, err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return Archive{}, err
	}
	if err := tmp.Close(); err != nil {
		return Archive{}, err
	}
	return a, os.Rename(tmp.Name(), a.Path)
}

// goarch maps a Lambda architecture to GOARCH.
func (b Build) goarch() (string, error) {
	switch b.Arch {
	case "", "arm64":
		return "arm64", nil
	case "x86_64":
		return "amd64", nil
	}
	return "", fmt.Errorf("lambdazip: architecture %q is not a Lambda architecture; use arm64 or x86_64", b.Arch)
}

// compile runs go build with every flag that keeps the output independent of
// the machine, the checkout path and the VCS state, and returns the binary.
func (b Build) compile(ctx context.Context) ([]byte, error) {
	goarch, err := b.goarch()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "lambdazip-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	out := filepath.Join(tmp, Handler)
	cmd := exec.CommandContext(ctx, "go", "build", //nolint:gosec // fixed program; the package is the caller's own
		"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc",
		"-ldflags", "-s -w -buildid=", "-o", out, b.Package)
	cmd.Dir = b.Dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("lambdazip: go build %s for linux/%s in %s: %w\n%s", b.Package, goarch, b.Dir, err, stderr.String())
	}
	return os.ReadFile(out) //nolint:gosec // the binary go build just wrote
}

// Pack returns a zip holding binary as the executable "bootstrap", with a
// fixed time stamp and mode 0755.
func Pack(binary []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: Handler, Method: zip.Deflate, Modified: Modified}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(binary); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
