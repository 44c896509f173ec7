package digest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/caa304/secure-data-pipeline/functions/provenance/notification"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
	"github.com/caa304/secure-data-pipeline/tests/s3test"
)

const bucket = "sdp-digest-raw-data"

// clock is the S3 server's time, so receipts can be written on given days.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time                  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }
func (c *clock) set(t time.Time)                 { c.mu.Lock(); c.now = t; c.mu.Unlock() }

type world struct {
	t      *testing.T
	client *s3.Client
	clock  *clock
	signer LocalSigner
}

var day1, day2 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func newWorld(t *testing.T) *world {
	t.Helper()
	c := &clock{now: day1}
	endpoint := s3test.Fake(t, s3mem.New(s3mem.WithTimeSource(c)), gofakes3.WithTimeSource(c), gofakes3.WithTimeSkewLimit(0))
	client := s3test.Client(t, endpoint, "test", "testtest")
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, client: client, clock: c, signer: LocalSigner{Private: key, ID: "test-key"}}
}

// receipted uploads an object on the server's current day and records it.
func (w *world) receipted(key string) string {
	w.t.Helper()
	out, err := w.client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("data of " + key)})
	if err != nil {
		w.t.Fatal(err)
	}
	r := &recorder.Recorder{S3: w.client, Now: w.clock.Now}
	res, err := r.Record(context.Background(), notification.Object{Bucket: bucket, Key: key, VersionID: aws.ToString(out.VersionId)})
	if err != nil {
		w.t.Fatal(err)
	}
	return res.ReceiptKey
}

// chain writes receipts on two days and a digest after each.
func (w *world) chain() (r1, r2 string) {
	w.t.Helper()
	r1 = w.receipted("incoming/a.csv")
	w.receipted("incoming/b.csv")
	if _, err := Write(context.Background(), w.client, w.signer, bucket, day1); err != nil {
		w.t.Fatal(err)
	}
	w.clock.set(day2)
	r2 = w.receipted("incoming/c.csv")
	d, err := Write(context.Background(), w.client, w.signer, bucket, day2)
	if err != nil {
		w.t.Fatal(err)
	}
	if d.PreviousDigestKey != KeyFor(day1) || len(d.Receipts) != 1 {
		w.t.Fatalf("day 2 digest = %+v, want one receipt chained to %s", d, KeyFor(day1))
	}
	return r1, r2
}

func (w *world) verify() (int, string) {
	w.t.Helper()
	n, problems := VerifyChain(context.Background(), w.client, bucket, &w.signer.Private.PublicKey)
	return n, errors.Join(problems...).Error()
}

func (w *world) put(key, body string) {
	w.t.Helper()
	if _, err := w.client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) remove(key string) {
	w.t.Helper()
	if _, err := w.client.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		w.t.Fatal(err)
	}
}

func TestAnIntactChainVerifies(t *testing.T) {
	w := newWorld(t)
	w.chain()
	n, problems := VerifyChain(context.Background(), w.client, bucket, &w.signer.Private.PublicKey)
	if n != 2 || len(problems) != 0 {
		t.Fatalf("verified %d digests with problems %v, want 2 and none", n, problems)
	}
}

func TestEveryKindOfTamperingBreaksTheChainNamingWhatChanged(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper func(w *world, r1, r2 string)
		want   []string
	}{
		{"a receipt rewritten", func(w *world, r1, _ string) { w.put(r1, `{"schemaVersion":1}`) },
			[]string{"receipt " + receipt.Prefix + "incoming/a.csv/", "was modified after digest " + KeyFor(day1)}},
		{"a receipt deleted", func(w *world, _, r2 string) { w.remove(r2) },
			[]string{"receipt " + receipt.Prefix + "incoming/c.csv/", "listed in digest " + KeyFor(day2) + ", is missing"}},
		{"a digest rewritten", func(w *world, _, _ string) {
			w.put(KeyFor(day1), `{"schemaVersion":1,"signatureAlgorithm":"ECDSA_SHA_256","receipts":[]}`)
		},
			[]string{"digest " + KeyFor(day1) + ": has no readable signature", "digest " + KeyFor(day2) + " records " + KeyFor(day1)}},
		{"a digest deleted", func(w *world, _, _ string) { w.remove(KeyFor(day1)) },
			[]string{"digest " + KeyFor(day2) + " follows " + KeyFor(day1) + ", which is missing"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			r1, r2 := w.chain()
			c.tamper(w, r1, r2)
			_, got := w.verify()
			for _, want := range c.want {
				if !strings.Contains(got, want) {
					t.Errorf("problems %q do not say %q", got, want)
				}
			}
		})
	}
}

func TestADigestSignedWithAnotherKeyFails(t *testing.T) {
	w := newWorld(t)
	w.chain()
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, problems := VerifyChain(context.Background(), w.client, bucket, &other.PublicKey)
	if len(problems) != 2 || !strings.Contains(problems[0].Error(), "signature does not verify") {
		t.Errorf("problems = %v, want both signatures refused", problems)
	}
}

func TestADaysDigestIsNeverReplaced(t *testing.T) {
	w := newWorld(t)
	w.receipted("incoming/a.csv")
	if _, err := Write(context.Background(), w.client, w.signer, bucket, day1); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(context.Background(), w.client, w.signer, bucket, day1); err == nil {
		t.Fatal("a second digest for the same day replaced the first")
	}
}

func TestParsePublicKeyReadsPEMAndDER(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"DER": der, "PEM": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})} {
		got, err := ParsePublicKey(data)
		if err != nil || !got.Equal(&key.PublicKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParsePublicKey([]byte("not a key")); err == nil {
		t.Error("garbage parsed as a key")
	}
}
