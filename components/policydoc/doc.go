// Package policydoc builds AWS policy documents (identity, bucket, queue and
// key policies) from typed Go values.
//
// Policies are rendered with encoding/json instead of the
// iam.GetPolicyDocument invoke so that they are deterministic, known at
// preview time whenever their inputs are, and visible in full to tests that
// run the program under Pulumi's mocks.
package policydoc
