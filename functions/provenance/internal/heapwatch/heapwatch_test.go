package heapwatch

import "testing"

var sink []byte

func TestPeakSeesAnAllocationThatIsStillLive(t *testing.T) {
	got := Peak(func() {
		sink = make([]byte, 32<<20)
		for i := range sink {
			sink[i] = byte(i)
		}
	})
	sink = nil
	if got < 32<<20 {
		t.Errorf("Peak = %d bytes, want at least the 32 MiB held", got)
	}
}
