package components

import (
	"strings"
	"testing"
)

func TestValidateBucketName(t *testing.T) {
	for _, c := range []struct {
		name    string
		bucket  string
		wantErr string
	}{
		{"accepts the runbook's raw bucket", "caa304-raw-data", ""},
		{"accepts three characters", "abc", ""},
		{"accepts sixty-three characters", strings.Repeat("a", 63), ""},
		{"refuses an empty name", "", "is empty"},
		{"refuses two characters", "ab", "not a valid S3 bucket name"},
		{"refuses sixty-four characters", strings.Repeat("a", 64), "not a valid S3 bucket name"},
		{"refuses uppercase", "Raw-data", "not a valid S3 bucket name"},
		{"refuses underscores", "raw_data", "not a valid S3 bucket name"},
		{"refuses a leading hyphen", "-raw", "not a valid S3 bucket name"},
		{"refuses a trailing hyphen", "raw-", "not a valid S3 bucket name"},
		{"refuses dots, which break TLS", "raw.data", "contains a dot"},
		{"refuses the xn-- prefix", "xn--raw", "prefix S3 reserves"},
		{"refuses the -s3alias suffix", "raw-s3alias", "suffix S3 reserves"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := validateBucketName("rawBucketName", c.bucket)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("validateBucketName(%q) = %v, want nil", c.bucket, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "rawBucketName") {
				t.Fatalf("validateBucketName(%q) = %v, want an error naming rawBucketName and saying %q", c.bucket, err, c.wantErr)
			}
		})
	}
}
