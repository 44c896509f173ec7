package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
)

func TestANewObjectGetsAReceiptWithItsHashAndItsEvent(t *testing.T) {
	w := newWorld(t)
	u := w.put("incoming/data.csv", []byte("id,name\n1,alice\n"))
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
		t.Fatalf("failed messages %v\nlogs:\n%s", failed, w.logs)
	}
	r, ok := w.receiptOf(u)
	if !ok {
		t.Fatalf("no receipt at %s; receipts: %v", receipt.KeyFor(u.key, u.versionID), w.receiptKeys())
	}
	want := receipt.Receipt{
		SchemaVersion: receipt.SchemaVersion, Status: receipt.StatusRecorded,
		Bucket: testBucket, Key: u.key, VersionID: u.versionID, Size: u.size, SHA256: u.sha256, ETag: u.etag,
		S3LastModified: r.S3LastModified, ContentType: r.ContentType,
		ChecksumCRC32: u.crc32, ChecksumComparison: receipt.ChecksumNotComparable,
		EventName: "ObjectCreated:Put", EventTime: "2026-11-28T11:59:58.123Z", Sequencer: "0055AED6DCD90281E5",
		RequestID: "REQ" + u.versionID, PrincipalID: "AWS:AROAEXAMPLE:alice@example.com", SourceIPAddress: "203.0.113.7",
		RecordedAt: "2026-11-28T12:00:00Z", FunctionName: "sdp-test-provenance", FunctionVersion: "$LATEST",
		FunctionBinarySHA256: strings.Repeat("ab", 32),
	}
	if *r != want {
		t.Errorf("receipt =\n%+v\nwant\n%+v", *r, want)
	}
	if r.S3LastModified == "" {
		t.Error("receipt has no s3LastModified")
	}
}

func TestKeysAreDecodedAsS3EncodesThem(t *testing.T) {
	for _, key := range []string{
		"incoming/with space.csv",
		"incoming/a+b=c.csv",
		"incoming/100% done.txt",
		"incoming/über/résumé 📄.pdf",
		"incoming/semi;colon&amp?.bin",
	} {
		t.Run(key, func(t *testing.T) {
			w := newWorld(t)
			u := w.put(key, []byte("payload of "+key))
			if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
				t.Fatalf("failed %v\nlogs:\n%s", failed, w.logs)
			}
			r, ok := w.receiptOf(u)
			if !ok || r.Key != key || r.SHA256 != u.sha256 {
				t.Fatalf("receipt for %q = %+v (found %v), want key and hash of the object; receipts: %v", key, r, ok, w.receiptKeys())
			}
		})
	}
}

func TestAZeroByteObjectGetsTheHashOfNothing(t *testing.T) {
	w := newWorld(t)
	u := w.put("incoming/empty.txt", nil)
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
		t.Fatalf("failed %v\nlogs:\n%s", failed, w.logs)
	}
	r, ok := w.receiptOf(u)
	if !ok || r.Size != 0 || r.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("receipt = %+v, want size 0 and the SHA-256 of no bytes", r)
	}
}

func TestKeysTheFunctionMustNotRecordAreSkippedWithoutFailing(t *testing.T) {
	for _, c := range []struct{ name, key, reason string }{
		{"a folder marker", "incoming/sub/", "folder marker"},
		{"a key outside incoming/", "processed/data.csv", "outside incoming/"},
		{"its own receipt (loop guard)", "provenance/incoming/data.csv/v1.json", "function's own output"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			u := w.put(c.key, []byte("x"))
			if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
				t.Fatalf("failed %v", failed)
			}
			var written []string
			for _, k := range w.receiptKeys() {
				if k != c.key {
					written = append(written, k)
				}
			}
			if len(written) != 0 {
				t.Errorf("receipts written: %v, want none", written)
			}
			lines := w.logLines()
			if len(lines) != 1 || lines[0]["outcome"] != "skipped" || !strings.Contains(lines[0]["reason"].(string), c.reason) {
				t.Errorf("logs = %v, want one skipped line saying %q", lines, c.reason)
			}
		})
	}
}

func TestADuplicateDeliveryWritesNothingAndSucceeds(t *testing.T) {
	w := newWorld(t)
	u := w.put("incoming/data.csv", []byte("same bytes"))
	msg := sqsMessage{"m1", notificationOf(u)}
	if failed := w.invoke(msg); len(failed) != 0 {
		t.Fatalf("first delivery failed: %v", failed)
	}
	first, _ := w.receiptOf(u)
	w.handler.recorder.Now = func() time.Time { return time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }
	if failed := w.invoke(msg); len(failed) != 0 {
		t.Fatalf("second delivery failed: %v\nlogs:\n%s", failed, w.logs)
	}
	second, _ := w.receiptOf(u)
	if *first != *second {
		t.Errorf("the duplicate rewrote the receipt:\nfirst  %+v\nsecond %+v", first, second)
	}
	if keys := w.receiptKeys(); len(keys) != 1 {
		t.Errorf("receipts = %v, want one", keys)
	}
	lines := w.logLines()
	if got := lines[len(lines)-1]["outcome"]; got != "duplicate" {
		t.Errorf("second delivery logged outcome %v, want duplicate", got)
	}
}

func TestTwoVersionsOfOneKeyGetTwoReceiptsEachWithItsOwnHash(t *testing.T) {
	w := newWorld(t)
	v1 := w.put("incoming/report.csv", []byte("version one"))
	v2 := w.put("incoming/report.csv", []byte("version two, longer"))
	if v1.versionID == v2.versionID {
		t.Fatal("the server gave both versions the same id")
	}
	// Deliver the newer first: each receipt must still describe its version.
	if failed := w.invoke(sqsMessage{"m2", notificationOf(v2)}, sqsMessage{"m1", notificationOf(v1)}); len(failed) != 0 {
		t.Fatalf("failed %v\nlogs:\n%s", failed, w.logs)
	}
	for _, u := range []upload{v1, v2} {
		r, ok := w.receiptOf(u)
		if !ok || r.VersionID != u.versionID || r.SHA256 != u.sha256 || r.Size != u.size {
			t.Errorf("receipt of version %s = %+v, want its own hash %s", u.versionID, r, u.sha256)
		}
	}
}

func TestAnObjectDeletedBeforeProcessingGetsAMissingReceipt(t *testing.T) {
	w := newWorld(t)
	u := w.put("incoming/gone.csv", []byte("short-lived"))
	if _, err := w.client.DeleteObject(context.Background(), &s3.DeleteObjectInput{
		Bucket: aws.String(testBucket), Key: aws.String(u.key), VersionId: aws.String(u.versionID),
	}); err != nil {
		t.Fatal(err)
	}
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
		t.Fatalf("failed %v\nlogs:\n%s", failed, w.logs)
	}
	r, ok := w.receiptOf(u)
	if !ok || r.Status != receipt.StatusMissing || r.SHA256 != "" || r.Size != u.size || r.RequestID != "REQ"+u.versionID {
		t.Fatalf("receipt = %+v, want status missing, no hash, the event's size and request id", r)
	}
}

func TestTransientServerErrorsAreRetriedByTheSDK(t *testing.T) {
	w := newWorld(t)
	u := w.put("incoming/flaky.csv", []byte("eventually readable"))
	w.inject(failingGets(u.key, 2, http.StatusInternalServerError, "InternalError"))
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
		t.Fatalf("failed %v\nlogs:\n%s", failed, w.logs)
	}
	if r, ok := w.receiptOf(u); !ok || r.SHA256 != u.sha256 {
		t.Fatalf("receipt = %+v, want the object's hash after retries", r)
	}
}

func TestAPersistentFailureFailsOnlyItsMessage(t *testing.T) {
	w := newWorld(t)
	denied := w.put("incoming/secret.csv", []byte("no access"))
	fine := w.put("incoming/fine.csv", []byte("readable"))
	w.inject(failingGets(denied.key, -1, http.StatusForbidden, "AccessDenied"))
	failed := w.invoke(sqsMessage{"denied", notificationOf(denied)}, sqsMessage{"fine", notificationOf(fine)})
	if !slices.Equal(failed, []string{"denied"}) {
		t.Fatalf("failed messages = %v, want [denied]", failed)
	}
	if _, ok := w.receiptOf(denied); ok {
		t.Error("the denied object has a receipt")
	}
	if r, ok := w.receiptOf(fine); !ok || r.SHA256 != fine.sha256 {
		t.Error("the readable object in the same batch has no receipt")
	}
	var logged bool
	for _, l := range w.logLines() {
		if l["outcome"] == "failed" && l["key"] == denied.key && strings.Contains(l["error"].(string), "AccessDenied") {
			logged = true
		}
	}
	if !logged {
		t.Errorf("no failed log line names the denied key and the error:\n%s", w.logs)
	}
}

func TestAMalformedMessageFailsAndTheOthersSucceed(t *testing.T) {
	w := newWorld(t)
	fine := w.put("incoming/fine.csv", []byte("ok"))
	failed := w.invoke(
		sqsMessage{"garbage", "this is not JSON"},
		sqsMessage{"fine", notificationOf(fine)},
		sqsMessage{"empty", `{"Records":[]}`},
	)
	if !slices.Equal(failed, []string{"garbage", "empty"}) {
		t.Fatalf("failed messages = %v, want [garbage empty]", failed)
	}
	if _, ok := w.receiptOf(fine); !ok {
		t.Error("the well-formed message was not recorded")
	}
}

func TestTheS3TestEventIsIgnored(t *testing.T) {
	w := newWorld(t)
	body := `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-28T10:00:00.000Z","Bucket":"` + testBucket + `","RequestId":"r","HostId":"h"}`
	if failed := w.invoke(sqsMessage{"test", body}); len(failed) != 0 {
		t.Fatalf("failed %v", failed)
	}
	if keys := w.receiptKeys(); len(keys) != 0 {
		t.Errorf("receipts = %v, want none", keys)
	}
}

func TestAReceiptThatDisagreesWithTheObjectRaisesAnIntegrityAlarm(t *testing.T) {
	w := newWorld(t)
	u := w.put("incoming/tampered.csv", []byte("the real bytes"))
	forged := receipt.Receipt{SchemaVersion: 1, Status: receipt.StatusRecorded, Bucket: testBucket, Key: u.key,
		VersionID: u.versionID, SHA256: strings.Repeat("0", 64)}
	body, _ := forged.Marshal()
	if _, err := w.client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(testBucket), Key: aws.String(receipt.KeyFor(u.key, u.versionID)), Body: bytesReader(body),
	}); err != nil {
		t.Fatal(err)
	}
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); !slices.Equal(failed, []string{"m1"}) {
		t.Fatalf("failed = %v, want the message to fail", failed)
	}
	var alarm bool
	for _, l := range w.logLines() {
		alarm = alarm || l["alarm"] == "integrity"
	}
	if !alarm {
		t.Errorf("no integrity alarm logged:\n%s", w.logs)
	}
}

func TestAnObjectWhoseSizeDisagreesWithTheEventFails(t *testing.T) {
	w := newWorld(t)
	u := w.put("incoming/short.csv", []byte("12345"))
	u.size = 6
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); !slices.Equal(failed, []string{"m1"}) {
		t.Fatalf("failed = %v, want the message to fail", failed)
	}
	if keys := w.receiptKeys(); len(keys) != 0 {
		t.Errorf("receipts = %v, want none", keys)
	}
}

func TestEveryRecordIsLoggedOnceAsJSONWithItsOutcome(t *testing.T) {
	w := newWorld(t)
	a := w.put("incoming/a.csv", []byte("a"))
	b := w.put("processed/b.csv", []byte("b"))
	w.invoke(sqsMessage{"m1", notificationOf(a, b)})
	var outcomes []string
	for _, l := range w.logLines() {
		if l["msg"] == "record" {
			outcomes = append(outcomes, l["key"].(string)+"="+l["outcome"].(string))
		}
	}
	if want := []string{"incoming/a.csv=receipted", "processed/b.csv=skipped"}; !slices.Equal(outcomes, want) {
		t.Errorf("record log lines = %v, want %v", outcomes, want)
	}
}

func TestADirectS3InvocationFailsAsAWholeWhenARecordFails(t *testing.T) {
	w := newWorld(t)
	u := w.put("incoming/manual.csv", []byte("manual run"))
	if _, err := w.handler.Handle(context.Background(), []byte(notificationOf(u))); err != nil {
		t.Fatalf("direct invocation failed: %v", err)
	}
	if _, ok := w.receiptOf(u); !ok {
		t.Fatal("direct invocation wrote no receipt")
	}
	w.inject(failingGets("incoming/denied.csv", -1, http.StatusForbidden, "AccessDenied"))
	d := w.put("incoming/denied.csv", []byte("x"))
	if _, err := w.handler.Handle(context.Background(), []byte(notificationOf(d))); err == nil {
		t.Fatal("direct invocation with a failing record succeeded; Lambda would not retry it")
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

func TestS3sOwnSHA256IsRecordedAndComparedWithOurs(t *testing.T) {
	w := newWorld(t)
	body := []byte("checksummed by the uploader")
	sum := sha256.Sum256(body)
	out, err := w.client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(testBucket), Key: aws.String("incoming/checked.csv"), Body: bytes.NewReader(body),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
	})
	if err != nil {
		t.Fatal(err)
	}
	u := w.uploaded("incoming/checked.csv", body, out)
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); len(failed) != 0 {
		t.Fatalf("failed %v\nlogs:\n%s", failed, w.logs)
	}
	r, _ := w.receiptOf(u)
	if r.ChecksumSHA256 != base64.StdEncoding.EncodeToString(sum[:]) || r.ChecksumComparison != receipt.ChecksumMatch {
		t.Errorf("checksumSha256 %q comparison %q, want S3's value and match", r.ChecksumSHA256, r.ChecksumComparison)
	}
}

func TestAnObjectWhoseStoredSHA256DisagreesWithItsBytesFails(t *testing.T) {
	w := newWorld(t)
	body := []byte("bytes that do not match the stored checksum")
	wrong := sha256.Sum256([]byte("other bytes"))
	// gofakes3 stores whatever checksum the uploader claims, as a corrupted
	// object or a lying uploader would leave it.
	out, err := w.client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(testBucket), Key: aws.String("incoming/corrupt.csv"), Body: bytes.NewReader(body),
		ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(wrong[:])),
	})
	if err != nil {
		t.Fatal(err)
	}
	u := w.uploaded("incoming/corrupt.csv", body, out)
	if failed := w.invoke(sqsMessage{"m1", notificationOf(u)}); !slices.Equal(failed, []string{"m1"}) {
		t.Fatalf("failed = %v, want the message to fail", failed)
	}
	if _, ok := w.receiptOf(u); ok {
		t.Error("a receipt was written for an object whose checksum disagrees")
	}
}
