package recorder

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/caa304/secure-data-pipeline/functions/provenance/internal/heapwatch"
	"github.com/caa304/secure-data-pipeline/functions/provenance/notification"
	"github.com/caa304/secure-data-pipeline/tests/s3test"
)

// BenchmarkReadPath measures how fast the recorder hashes an object it
// streams from an S3 server, as a ratio of crypto/sha256 over the same bytes
// already in memory, and how far the heap rises while it does. It runs
// against gofakes3 in the test process (the server costs little CPU) and,
// when SDP_S3_ENDPOINT is set (`make bench` starts versitygw), against that
// server too, which then shares the machine's cores with the hashing.
func BenchmarkReadPath(b *testing.B) {
	servers := []string{"gofakes3"}
	if os.Getenv("SDP_S3_ENDPOINT") != "" {
		servers = append(servers, "versitygw")
	}
	for _, server := range servers {
		for _, size := range []struct {
			name  string
			bytes int64
		}{{"64MiB", 64 << 20}, {"1GiB", 1 << 30}} {
			b.Run(server+"/"+size.name, func(b *testing.B) {
				client, bucket := benchServer(b, server)
				benchmarkReadPath(b, client, bucket, size.bytes)
			})
		}
	}
}

func benchmarkReadPath(b *testing.B, client *s3.Client, bucket string, size int64) {
	data := make([]byte, size)
	if _, err := rand.Read(data); err != nil {
		b.Fatal(err)
	}
	out, err := client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("incoming/bench.bin"), Body: bytesReader(data),
	})
	if err != nil {
		b.Fatal(err)
	}
	inMemory := timeSHA256(data)
	runtime.GC()
	transport := timeGET(b, client, bucket, "incoming/bench.bin")

	r := &Recorder{S3: client}
	o := notification.Object{Bucket: bucket, Key: "incoming/bench.bin", VersionID: aws.ToString(out.VersionId), Size: size}
	var peak uint64
	best := time.Duration(1<<63 - 1)
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		p := heapwatch.Peak(func() {
			if _, err := r.fingerprint(context.Background(), o); err != nil {
				b.Fatal(err)
			}
		})
		best = min(best, time.Since(start))
		peak = max(peak, p)
	}
	// Best against best: on a shared two-core machine the mean mostly
	// measures the neighbours.
	b.ReportMetric(inMemory.Seconds()/best.Seconds(), "ratio-vs-in-memory")
	// The same object read into io.Discard: what the server and the
	// transport allow before any hashing.
	b.ReportMetric(transport.Seconds()/best.Seconds(), "ratio-vs-plain-GET")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// timeGET is the best of three plain GETs of the object into io.Discard.
func timeGET(b *testing.B, client *s3.Client, bucket, key string) time.Duration {
	b.Helper()
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, out.Body); err != nil {
			b.Fatal(err)
		}
		_ = out.Body.Close()
		best = min(best, time.Since(start))
	}
	return best
}

// timeSHA256 is the best of three in-memory hashes of data.
func timeSHA256(data []byte) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		sum := sha256.Sum256(data)
		_ = hex.EncodeToString(sum[:])
		best = min(best, time.Since(start))
	}
	return best
}

func benchServer(b *testing.B, server string) (*s3.Client, string) {
	b.Helper()
	endpoint, access, secret := os.Getenv("SDP_S3_ENDPOINT"), os.Getenv("SDP_S3_ACCESS_KEY"), os.Getenv("SDP_S3_SECRET_KEY")
	if server == "gofakes3" {
		endpoint, access, secret = s3test.Fake(b, s3mem.New()), "test", "testtest"
	}
	client := s3test.Client(b, endpoint, access, secret)
	return client, s3test.Bucket(b, client, "sdp-bench-", false)
}

func bytesReader(b []byte) io.ReadSeeker { return &byteSeeker{b: b} }

// byteSeeker is a bytes.Reader that can be dropped as soon as it is read, so
// the benchmark's copy of the data does not stay on the heap.
type byteSeeker struct {
	b   []byte
	off int64
}

func (s *byteSeeker) Read(p []byte) (int, error) {
	if s.off >= int64(len(s.b)) {
		return 0, io.EOF
	}
	n := copy(p, s.b[s.off:])
	s.off += int64(n)
	return n, nil
}

func (s *byteSeeker) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		s.off = off
	case io.SeekCurrent:
		s.off += off
	case io.SeekEnd:
		s.off = int64(len(s.b)) + off
	default:
		return 0, fmt.Errorf("byteSeeker: bad whence %d", whence)
	}
	return s.off, nil
}
