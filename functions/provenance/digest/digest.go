// Package digest makes receipts tamper-evident over time, the way CloudTrail
// digest files make its logs: once a day a digest lists the hash of every
// receipt written that day and the hash of the previous digest, and is
// signed with an asymmetric key. Anyone with the public key can then check,
// offline, that no receipt was changed or removed and no digest was.
package digest

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
)

// Prefix is where digests are written, one per day: <Prefix>yyyy/mm/dd.json.
const Prefix = "provenance-digests/"

// Algorithm is the signature algorithm: ECDSA over SHA-256, as KMS signs
// with an ECC_NIST_P256 key and as crypto/ecdsa verifies.
const Algorithm = "ECDSA_SHA_256"

// S3API is the part of the S3 client digests use.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// Signer signs a digest. KMS (an asymmetric SIGN_VERIFY key) signs in
// production; a local ECDSA key stands in for it in tests.
type Signer interface {
	// Sign returns an ASN.1 DER ECDSA signature of SHA-256(message).
	Sign(ctx context.Context, message []byte) ([]byte, error)
	// KeyID names the key, for the digest.
	KeyID() string
}

// Entry is one receipt a digest covers.
type Entry struct {
	Key    string `json:"key"`
	SHA256 string `json:"sha256"` // hex SHA-256 of the receipt's bytes
}

// Digest is one day's digest.
type Digest struct {
	SchemaVersion        int     `json:"schemaVersion"`
	Bucket               string  `json:"bucket"`
	Date                 string  `json:"date"` // the UTC day whose receipts it lists, yyyy-mm-dd
	Receipts             []Entry `json:"receipts"`
	PreviousDigestKey    string  `json:"previousDigestKey,omitempty"`
	PreviousDigestSHA256 string  `json:"previousDigestSha256,omitempty"`
	KeyID                string  `json:"keyId"`
	SignatureAlgorithm   string  `json:"signatureAlgorithm"`
	Signature            string  `json:"signature,omitempty"` // base64 DER, over the digest with this field empty
}

// KeyFor is where the digest of a day is written.
func KeyFor(day time.Time) string { return Prefix + day.UTC().Format("2006/01/02") + ".json" }

// signedBytes are the bytes a signature covers: the digest without it.
func (d Digest) signedBytes() ([]byte, error) {
	d.Signature = ""
	return json.Marshal(d)
}

// Write builds, signs and writes the digest of the receipts written on day,
// chained to the newest digest before it. Writing is conditional: a day's
// digest, once written, is never replaced.
func Write(ctx context.Context, client S3API, signer Signer, bucket string, day time.Time) (*Digest, error) {
	d := &Digest{SchemaVersion: 1, Bucket: bucket, Date: day.UTC().Format("2006-01-02"), KeyID: signer.KeyID(), SignatureAlgorithm: Algorithm}
	receipts, err := list(ctx, client, bucket, receipt.Prefix)
	if err != nil {
		return nil, err
	}
	for _, o := range receipts {
		if o.modified.UTC().Format("2006-01-02") != d.Date {
			continue
		}
		data, err := read(ctx, client, bucket, o.key)
		if err != nil {
			return nil, err
		}
		d.Receipts = append(d.Receipts, Entry{Key: o.key, SHA256: sum(data)})
	}
	digests, err := list(ctx, client, bucket, Prefix)
	if err != nil {
		return nil, err
	}
	own := KeyFor(day)
	for i := len(digests) - 1; i >= 0; i-- {
		if digests[i].key < own {
			prev, err := read(ctx, client, bucket, digests[i].key)
			if err != nil {
				return nil, err
			}
			d.PreviousDigestKey, d.PreviousDigestSHA256 = digests[i].key, sum(prev)
			break
		}
	}
	msg, err := d.signedBytes()
	if err != nil {
		return nil, err
	}
	sig, err := signer.Sign(ctx, msg)
	if err != nil {
		return nil, fmt.Errorf("signing the digest of %s: %w", d.Date, err)
	}
	d.Signature = base64.StdEncoding.EncodeToString(sig)
	body, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(own),
		Body: strings.NewReader(string(body)), ContentType: aws.String("application/json"), IfNoneMatch: aws.String("*")})
	if err != nil {
		return nil, fmt.Errorf("writing digest %s: %w", own, err)
	}
	return d, nil
}

// VerifyChain checks every digest of the bucket with the public key: each
// signature, each link to the previous digest, and that every receipt a
// digest lists still has the bytes it had. It returns every break it
// finds, each naming the object, and how many digests it checked.
func VerifyChain(ctx context.Context, client S3API, bucket string, public *ecdsa.PublicKey) (int, []error) {
	digests, err := list(ctx, client, bucket, Prefix)
	if err != nil {
		return 0, []error{err}
	}
	var problems []error
	hashes := map[string]string{}
	for i, o := range digests {
		data, err := read(ctx, client, bucket, o.key)
		if err != nil {
			problems = append(problems, fmt.Errorf("digest %s cannot be read: %w", o.key, err))
			continue
		}
		hashes[o.key] = sum(data)
		var d Digest
		if err := json.Unmarshal(data, &d); err != nil {
			problems = append(problems, fmt.Errorf("digest %s is not valid JSON: %w", o.key, err))
			continue
		}
		if err := verifySignature(d, public); err != nil {
			problems = append(problems, fmt.Errorf("digest %s: %w", o.key, err))
		}
		switch {
		case i == 0 && d.PreviousDigestKey != "":
			problems = append(problems, fmt.Errorf("digest %s follows %s, which is missing", o.key, d.PreviousDigestKey))
		case i > 0 && d.PreviousDigestKey != digests[i-1].key:
			problems = append(problems, fmt.Errorf("digest %s follows %q, but the digest before it is %s: a digest was removed or added", o.key, d.PreviousDigestKey, digests[i-1].key))
		case i > 0 && d.PreviousDigestSHA256 != hashes[digests[i-1].key]:
			problems = append(problems, fmt.Errorf("digest %s records %s with sha256 %s, but it now hashes to %s: that digest was modified", o.key, d.PreviousDigestKey, d.PreviousDigestSHA256, hashes[digests[i-1].key]))
		}
		for _, e := range d.Receipts {
			data, err := read(ctx, client, bucket, e.Key)
			switch {
			case err != nil:
				problems = append(problems, fmt.Errorf("receipt %s, listed in digest %s, is missing: %w", e.Key, o.key, err))
			case sum(data) != e.SHA256:
				problems = append(problems, fmt.Errorf("receipt %s was modified after digest %s recorded it", e.Key, o.key))
			}
		}
	}
	return len(digests), problems
}

func verifySignature(d Digest, public *ecdsa.PublicKey) error {
	if d.SignatureAlgorithm != Algorithm {
		return fmt.Errorf("signature algorithm %q is not %s", d.SignatureAlgorithm, Algorithm)
	}
	sig, err := base64.StdEncoding.DecodeString(d.Signature)
	if err != nil || len(sig) == 0 {
		return errors.New("has no readable signature")
	}
	msg, err := d.signedBytes()
	if err != nil {
		return err
	}
	h := sha256.Sum256(msg)
	if !ecdsa.VerifyASN1(public, h[:], sig) {
		return errors.New("signature does not verify with the public key: the digest was modified or signed by another key")
	}
	return nil
}

// ParsePublicKey reads an ECDSA public key as PEM ("PUBLIC KEY") or as the
// DER that `aws kms get-public-key` returns.
func ParsePublicKey(data []byte) (*ecdsa.PublicKey, error) {
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	key, err := x509.ParsePKIXPublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("not a PEM or DER public key: %w", err)
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("the public key is %T, not ECDSA (create the KMS key as ECC_NIST_P256, SIGN_VERIFY)", key)
	}
	return ec, nil
}

type object struct {
	key      string
	modified time.Time
}

// list returns the .json objects under prefix, sorted by key.
func list(ctx context.Context, client S3API, bucket, prefix string) ([]object, error) {
	var out []object
	pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			if strings.HasSuffix(aws.ToString(o.Key), ".json") {
				out = append(out, object{aws.ToString(o.Key), aws.ToTime(o.LastModified)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out, nil
}

func read(ctx context.Context, client S3API, bucket, key string) ([]byte, error) {
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer func() { _ = out.Body.Close() }()
	return io.ReadAll(io.LimitReader(out.Body, 64<<20))
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}
