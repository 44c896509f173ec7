package components

import (
	"fmt"
	"regexp"
	"strings"
)

var bucketNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// validateBucketName applies S3's naming rules for general purpose buckets,
// minus dots: a dotted name breaks TLS certificate matching for
// virtual-hosted-style requests, and every bucket here is TLS-only. Without
// dots a name can't look like an IP address either.
// field names the setting in the error so the caller knows what to change.
func validateBucketName(field, name string) error {
	const rules = "use 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"
	switch {
	case name == "":
		return fmt.Errorf("%s is empty; %s", field, rules)
	case strings.Contains(name, "."):
		return fmt.Errorf("%s %q contains a dot, which breaks TLS for virtual-hosted requests; %s", field, name, rules)
	case !bucketNamePattern.MatchString(name):
		return fmt.Errorf("%s %q is not a valid S3 bucket name; %s", field, name, rules)
	case strings.HasPrefix(name, "xn--"), strings.HasPrefix(name, "sthree-"), strings.HasPrefix(name, "amzn-s3-demo-"):
		return fmt.Errorf("%s %q starts with a prefix S3 reserves; choose another name", field, name)
	case strings.HasSuffix(name, "-s3alias"), strings.HasSuffix(name, "--ol-s3"), strings.HasSuffix(name, "--x-s3"), strings.HasSuffix(name, "--table-s3"):
		return fmt.Errorf("%s %q ends with a suffix S3 reserves; choose another name", field, name)
	}
	return nil
}
