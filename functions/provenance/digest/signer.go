package digest

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KMSSigner signs with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY).
// The private key never leaves KMS.
type KMSSigner struct {
	Client *kms.Client
	Key    string // key id, ARN or alias
}

// Sign implements Signer.
func (s KMSSigner) Sign(ctx context.Context, message []byte) ([]byte, error) {
	out, err := s.Client.Sign(ctx, &kms.SignInput{
		KeyId:            aws.String(s.Key),
		Message:          message,
		MessageType:      types.MessageTypeRaw,
		SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256,
	})
	if err != nil {
		return nil, err
	}
	return out.Signature, nil
}

// KeyID implements Signer.
func (s KMSSigner) KeyID() string { return s.Key }

// LocalSigner signs with an ECDSA key in memory, the same way KMS does.
type LocalSigner struct {
	Private *ecdsa.PrivateKey
	ID      string
}

// Sign implements Signer.
func (s LocalSigner) Sign(_ context.Context, message []byte) ([]byte, error) {
	h := sha256.Sum256(message)
	return ecdsa.SignASN1(rand.Reader, s.Private, h[:])
}

// KeyID implements Signer.
func (s LocalSigner) KeyID() string { return s.ID }
