package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/caa304/secure-data-pipeline/components/lambdazip"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
)

// TestEndToEndTheBuiltBootstrapRunsUnderTheLambdaEmulator packages the
// function exactly as the program does (for this machine's architecture),
// unpacks the zip, and runs its bootstrap under the Lambda Runtime Interface
// Emulator against the S3 server of the integration tests: an SQS event in,
// a receipt out, and the same event again writes nothing.
func TestEndToEndTheBuiltBootstrapRunsUnderTheLambdaEmulator(t *testing.T) {
	w := integrationWorld(t)
	rie, err := exec.LookPath("aws-lambda-rie")
	if err != nil {
		t.Skip("aws-lambda-rie is not on PATH; .ci/run installs it")
	}
	arch := map[string]string{"amd64": "x86_64", "arm64": "arm64"}[runtime.GOARCH]
	archive, err := lambdazip.Build{Package: ".", Dir: ".", Arch: arch}.Zip(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bootstrap := unzipBootstrap(t, archive.Path)

	invokeAddr, apiAddr := freeAddr(t), freeAddr(t)
	//nolint:gosec // the emulator found on PATH, run by a test
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", invokeAddr, "--runtime-api-address", apiAddr, bootstrap)
	cmd.Env = append(os.Environ(),
		"AWS_ENDPOINT_URL_S3="+os.Getenv("AWS_ENDPOINT_URL_S3"),
		"S3_FORCE_PATH_STYLE=true",
		"INCOMING_PREFIX=incoming/",
		"AWS_LAMBDA_FUNCTION_NAME=sdp-e2e-provenance",
	)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("emulator and function output:\n%s", logs.String())
		}
	})
	waitForPort(t, invokeAddr)

	u := w.put("incoming/e2e report.csv", []byte("through the emulator"))
	event := sqsEvent(sqsMessage{"e2e-1", notificationOf(u)})
	for i := range 2 {
		var resp struct {
			BatchItemFailures []struct{ ItemIdentifier string } `json:"batchItemFailures"`
		}
		invokeEmulator(t, invokeAddr, event, &resp)
		if len(resp.BatchItemFailures) != 0 {
			t.Fatalf("invocation %d reported failures %v", i+1, resp.BatchItemFailures)
		}
	}
	r, ok := w.receiptOf(u)
	if !ok || r.SHA256 != u.sha256 || r.FunctionName != "sdp-e2e-provenance" || len(r.FunctionBinarySHA256) != 64 {
		t.Fatalf("receipt = %+v, want the object's hash written by the packaged binary", r)
	}
	versions, err := w.client.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{
		Bucket: aws.String(w.bucket), Prefix: aws.String(receipt.KeyFor(u.key, u.versionID)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(versions.Versions) != 1 {
		t.Errorf("the receipt has %d versions, want 1: the second invocation must write nothing", len(versions.Versions))
	}
}

func unzipBootstrap(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = zr.Close() }()
	f := zr.File[0]
	if len(zr.File) != 1 || f.Name != lambdazip.Handler {
		t.Fatalf("archive holds %d entries, the first %q; want only %s", len(zr.File), f.Name, lambdazip.Handler)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	out := filepath.Join(t.TempDir(), lambdazip.Handler)
	// The mode comes from the archive: Lambda runs what the zip says.
	dst, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY, f.Mode().Perm()) //nolint:gosec // a test temp dir
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, rc); err != nil { //nolint:gosec // our own small archive
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func waitForPort(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the emulator did not listen on %s", addr)
}

func invokeEmulator(t *testing.T, addr string, event []byte, out any) {
	t.Helper()
	url := fmt.Sprintf("http://%s/2015-03-31/functions/function/invocations", addr)
	resp, err := http.Post(url, "application/json", bytes.NewReader(event)) //nolint:gosec,noctx // loopback test server
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke: %s: %s", resp.Status, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("invoke returned %s: %v", body, err)
	}
}
