package components

import "fmt"

// DataProtection is how a component keeps and protects the data its buckets
// hold. Every component with a bucket embeds it.
type DataProtection struct {
	// NoncurrentVersionExpirationDays is how long an overwritten or deleted
	// object version is kept.
	NoncurrentVersionExpirationDays int
	// AbortIncompleteMultipartUploadDays is how long an unfinished multipart
	// upload may keep its parts.
	AbortIncompleteMultipartUploadDays int
	// ForceDestroy lets `pulumi destroy` delete buckets that still hold
	// objects (and a workgroup its saved queries). Optional; default false.
	ForceDestroy bool
	// Protect makes Pulumi refuse to delete the data-bearing resources.
	// Optional.
	Protect bool
	// Tags are added to every taggable resource. Optional.
	Tags map[string]string
}

// validate reports an out-of-range field, naming the component.
func (d DataProtection) validate(component string) error {
	switch {
	case d.NoncurrentVersionExpirationDays < 1:
		return fmt.Errorf("%s: NoncurrentVersionExpirationDays is %d; set it to 1 or more", component, d.NoncurrentVersionExpirationDays)
	case d.AbortIncompleteMultipartUploadDays < 1:
		return fmt.Errorf("%s: AbortIncompleteMultipartUploadDays is %d; set it to 1 or more", component, d.AbortIncompleteMultipartUploadDays)
	}
	return nil
}
