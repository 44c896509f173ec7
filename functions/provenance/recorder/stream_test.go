package recorder

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestHashStream(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), streamBufferSize/16*3+7) // crosses buffer boundaries
	for _, c := range []struct {
		name string
		data []byte
		wrap func(io.Reader) io.Reader
	}{
		{"hashes nothing", nil, nil},
		{"hashes less than a buffer", []byte("short"), nil},
		{"hashes many buffers in order", big, nil},
		{"hashes a reader that returns one byte at a time", big[:5000], iotest.OneByteReader},
		{"hashes a reader that returns data with EOF", big, iotest.DataErrReader},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r io.Reader = bytes.NewReader(c.data)
			if c.wrap != nil {
				r = c.wrap(r)
			}
			h := sha256.New()
			n, err := hashStream(h, r)
			want := sha256.Sum256(c.data)
			if err != nil || n != int64(len(c.data)) || !bytes.Equal(h.Sum(nil), want[:]) {
				t.Fatalf("hashStream = %d, %v with hash %x; want %d bytes hashing to %x", n, err, h.Sum(nil), len(c.data), want)
			}
		})
	}
}

func TestHashStreamReportsAReadErrorAfterTheBytesBeforeIt(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(bytes.NewReader(make([]byte, 3*streamBufferSize)), iotest.ErrReader(boom))
	n, err := hashStream(sha256.New(), r)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if n != 3*streamBufferSize {
		t.Errorf("hashed %d bytes before the error, want %d", n, 3*streamBufferSize)
	}
}
