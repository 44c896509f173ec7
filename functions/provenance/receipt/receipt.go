// Package receipt defines the provenance receipt: the JSON record the
// provenance function writes for every object version that arrives under
// incoming/, and where in the bucket it is written. The Athena table over the
// receipts is generated from this type, so the two cannot drift apart.
package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// SchemaVersion is written into every receipt. It changes only when a field
// is removed or changes meaning; adding a field keeps it.
const SchemaVersion = 1

// Prefix is where receipts live in the raw bucket.
const Prefix = "provenance/"

// Status says what the function found when it went to read the object.
type Status string

const (
	// StatusRecorded means the object version was read in full and hashed.
	StatusRecorded Status = "recorded"
	// StatusMissing means the object version was gone (deleted, or its
	// version expired) before the function could read it; there is no hash.
	StatusMissing Status = "missing"
)

// ChecksumComparison says whether S3's own SHA-256 of the object agrees with
// the hash the function computed.
type ChecksumComparison string

const (
	// ChecksumMatch means S3 holds a full-object SHA-256 equal to ours.
	ChecksumMatch ChecksumComparison = "match"
	// ChecksumMismatch means S3 holds a full-object SHA-256 that differs from ours.
	ChecksumMismatch ChecksumComparison = "mismatch"
	// ChecksumNotComparable means S3 holds no full-object SHA-256 (no checksum, a
	// CRC only, or a composite checksum of a multipart upload).
	ChecksumNotComparable ChecksumComparison = "not_comparable"
)

// Receipt is one provenance record. It is written as one JSON object on one
// line, the form Athena's JSON SerDe reads. Field names are the column names
// of the receipts table.
type Receipt struct {
	SchemaVersion int    `json:"schemaVersion"`
	Status        Status `json:"status"`

	// The object version, as S3 reported it when it was read.
	Bucket         string `json:"bucket"`
	Key            string `json:"key"`
	VersionID      string `json:"versionId"`
	Size           int64  `json:"size"`
	SHA256         string `json:"sha256,omitempty"` // hex; empty when Status is missing
	ETag           string `json:"etag,omitempty"`
	S3LastModified string `json:"s3LastModified,omitempty"` // RFC 3339
	ContentType    string `json:"contentType,omitempty"`

	// Encryption at rest, as S3 reported it.
	SSEAlgorithm string `json:"sseAlgorithm,omitempty"`
	SSEKMSKeyID  string `json:"sseKmsKeyId,omitempty"`

	// S3's own checksums of the object (base64, as S3 returns them), and
	// how its SHA-256 compares with ours.
	ChecksumType       string             `json:"checksumType,omitempty"`
	ChecksumSHA256     string             `json:"checksumSha256,omitempty"`
	ChecksumCRC32      string             `json:"checksumCrc32,omitempty"`
	ChecksumCRC32C     string             `json:"checksumCrc32c,omitempty"`
	ChecksumCRC64NVME  string             `json:"checksumCrc64nvme,omitempty"`
	ChecksumSHA1       string             `json:"checksumSha1,omitempty"`
	ChecksumComparison ChecksumComparison `json:"checksumComparison,omitempty"`

	// The S3 event that announced the object. RequestID is the
	// x-amz-request-id of the write, which CloudTrail logs as requestID.
	EventName       string `json:"eventName"`
	EventTime       string `json:"eventTime"`
	Sequencer       string `json:"sequencer,omitempty"`
	RequestID       string `json:"requestId,omitempty"`
	PrincipalID     string `json:"principalId,omitempty"`
	SourceIPAddress string `json:"sourceIPAddress,omitempty"`

	// When and by what code the receipt was written.
	RecordedAt           string `json:"recordedAt"` // RFC 3339, UTC
	FunctionName         string `json:"functionName,omitempty"`
	FunctionVersion      string `json:"functionVersion,omitempty"`
	FunctionBinarySHA256 string `json:"functionBinarySha256,omitempty"`
}

// maxKeyBytes is S3's limit on an object key.
const maxKeyBytes = 1024

// KeyFor returns where the receipt of an object version is written:
// "provenance/<object key>/<version id>.json". An unversioned object's
// version id is "null", as S3 calls it.
//
// Athena, like every Hadoop reader, skips files and folders whose names
// start with "_" or "." as hidden, and S3 limits keys to 1024 bytes. When the
// object key or the version id has such a segment, or the key would be too
// long, the object key is replaced by its SHA-256:
// "provenance/hashed-keys/<hex SHA-256 of the object key>/v-<version id>.json".
// The receipt itself always holds the full key.
func KeyFor(objectKey, versionID string) string {
	if versionID == "" {
		versionID = "null"
	}
	key := Prefix + objectKey + "/" + versionID + ".json"
	if len(key) <= maxKeyBytes && !hidden(objectKey) && !hidden(versionID) {
		return key
	}
	sum := sha256.Sum256([]byte(objectKey))
	return Prefix + "hashed-keys/" + hex.EncodeToString(sum[:]) + "/v-" + versionID + ".json"
}

// hidden reports a path with a segment Hadoop readers skip.
func hidden(path string) bool {
	for _, segment := range strings.Split(path, "/") {
		if strings.HasPrefix(segment, "_") || strings.HasPrefix(segment, ".") {
			return true
		}
	}
	return false
}

// Marshal renders the receipt as one line of JSON followed by a newline.
func (r *Receipt) Marshal() ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Parse reads a receipt written by Marshal and checks the fields every
// receipt has.
func Parse(data []byte) (*Receipt, error) {
	var r Receipt
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("receipt is not valid JSON: %w", err)
	}
	switch {
	case r.SchemaVersion < 1:
		return nil, fmt.Errorf("receipt has no schemaVersion")
	case r.Bucket == "" || r.Key == "":
		return nil, fmt.Errorf("receipt names no bucket or key")
	case r.Status == StatusRecorded && len(r.SHA256) != sha256.Size*2:
		return nil, fmt.Errorf("receipt for %s has status recorded but sha256 %q is not a hex SHA-256", r.Key, r.SHA256)
	case r.Status != StatusRecorded && r.Status != StatusMissing:
		return nil, fmt.Errorf("receipt for %s has unknown status %q", r.Key, r.Status)
	}
	return &r, nil
}

// Timestamp formats a time the way every receipt timestamp is written.
func Timestamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// IsReceiptKey reports whether an object key is under the receipt prefix,
// which the function must never process: its own output would loop forever.
func IsReceiptKey(key string) bool {
	return strings.HasPrefix(key, Prefix)
}
