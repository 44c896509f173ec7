package main

import (
	"strings"
	"testing"
)

func TestRetentionFromEnv(t *testing.T) {
	for _, c := range []struct {
		name, mode, days, wantErr string
		locked                    bool
	}{
		{"no lock without a mode", "", "", "", false},
		{"a governance lock", "GOVERNANCE", "365", "", true},
		{"a compliance lock", "COMPLIANCE", "1", "", true},
		{"an unknown mode", "STRICT", "1", "RECEIPT_LOCK_MODE", false},
		{"days that are not a number", "GOVERNANCE", "a year", "RECEIPT_LOCK_DAYS", false},
		{"zero days", "GOVERNANCE", "0", "RECEIPT_LOCK_DAYS", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"RECEIPT_LOCK_MODE": c.mode, "RECEIPT_LOCK_DAYS": c.days}
			r, err := retentionFromEnv(func(k string) string { return env[k] })
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, c.wantErr)
				}
				return
			}
			if err != nil || (r != nil) != c.locked {
				t.Fatalf("retention = %+v, %v; want locked %v", r, err, c.locked)
			}
		})
	}
}
