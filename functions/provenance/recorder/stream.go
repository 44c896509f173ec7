package recorder

import (
	"errors"
	"hash"
	"io"
)

// streamBufferSize and streamBuffers bound the memory hashing uses however
// large the object is: streamBuffers × streamBufferSize.
const (
	streamBufferSize = 1 << 20
	streamBuffers    = 4
)

// hashStream copies r into h with reading and hashing overlapped: one
// goroutine fills buffers from the network while the caller hashes the ones
// already filled, in order. Done one after the other, a read waits for the
// hash and the hash for the read; overlapped, the slower of the two sets the
// pace.
func hashStream(h hash.Hash, r io.Reader) (int64, error) {
	free := make(chan []byte, streamBuffers)
	for range streamBuffers {
		free <- make([]byte, streamBufferSize)
	}
	full := make(chan []byte, streamBuffers)
	readErr := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(full)
		for {
			var buf []byte
			select {
			case buf = <-free:
			case <-stop:
				readErr <- nil
				return
			}
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				full <- buf[:n]
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				readErr <- nil
				return
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	var total int64
	for buf := range full {
		h.Write(buf)
		total += int64(len(buf))
		free <- buf[:cap(buf)]
	}
	return total, <-readErr
}
