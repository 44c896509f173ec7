package lambdazip

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"testing"
)

func TestTheSameSourceGivesTheSameArchiveBitForBit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provenance function twice")
	}
	b := Build{Package: "github.com/caa304/secure-data-pipeline/functions/provenance", Dir: "."}
	first, err := b.Zip(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// A second build from another working directory and into another
	// output directory: nothing about where it ran may leak into the bytes.
	b.Dir = "../.."
	second, err := b.Zip(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if first.SHA256 != second.SHA256 {
		t.Fatalf("two builds of the same source differ: %s and %s", first.SHA256, second.SHA256)
	}
	a, err := os.ReadFile(first.Path)
	if err != nil {
		t.Fatal(err)
	}
	bb, err := os.ReadFile(second.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, bb) {
		t.Fatal("archives with the same recorded hash have different bytes")
	}

	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		t.Fatalf("archive entries = %v, want only bootstrap", zr.File)
	}
	f := zr.File[0]
	if f.Mode().Perm() != 0o755 || !f.Modified.Equal(Modified) {
		t.Errorf("bootstrap mode %v modified %v, want 0755 and %v", f.Mode().Perm(), f.Modified, Modified)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 20)
	if _, err := io.ReadFull(rc, head); err != nil {
		t.Fatal(err)
	}
	// An ELF executable for aarch64 (e_machine 183), as provided.al2023 on arm64 runs.
	if !bytes.Equal(head[:4], []byte("\x7fELF")) || head[18] != 183 {
		t.Errorf("bootstrap is not a linux/arm64 ELF executable: % x", head)
	}
}

func TestPackIsDeterministic(t *testing.T) {
	a, err := Pack([]byte("binary"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Pack([]byte("binary"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Pack([]byte("binarY"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Error("Pack must give equal bytes for equal input and different bytes for different input")
	}
}

func TestAnUnknownArchitectureIsRefused(t *testing.T) {
	_, err := Build{Package: ".", Arch: "ppc64"}.Zip(context.Background(), t.TempDir())
	if err == nil {
		t.Fatal("want an error for an unknown architecture")
	}
}
