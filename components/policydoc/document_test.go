package policydoc

import (
	"strings"
	"testing"
)

func TestJSON(t *testing.T) {
	for _, c := range []struct {
		name    string
		doc     Document
		want    string
		wantErr string
	}{
		{
			name: "renders the anyone principal as a bare star",
			doc:  New(Statement{Effect: Deny, Principal: Anyone(), Action: []string{"s3:*"}, Resource: []string{"arn:aws:s3:::b"}}),
			want: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:*"],"Resource":["arn:aws:s3:::b"]}]}`,
		},
		{
			name: "renders service principals and sorted conditions",
			doc: New(Statement{Sid: "S", Effect: Allow, Principal: Service("cloudtrail.amazonaws.com"), Action: []string{"kms:DescribeKey"}, Resource: []string{"*"},
				Condition: Conditions{"StringEquals": {"b": {"2"}, "a": {"1"}}}}),
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"Service":["cloudtrail.amazonaws.com"]},"Action":["kms:DescribeKey"],"Resource":["*"],"Condition":{"StringEquals":{"a":["1"],"b":["2"]}}}]}`,
		},
		{
			name: "omits the principal of an identity policy",
			doc:  New(Statement{Effect: Allow, Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"}}),
			want: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}`,
		},
		{
			name:    "refuses a statement without an effect",
			doc:     New(Statement{Sid: "NoEffect", Action: []string{"s3:GetObject"}}),
			wantErr: `("NoEffect"): effect "" is neither Allow nor Deny`,
		},
		{
			name:    "refuses a statement without an action",
			doc:     New(Statement{Sid: "NoAction", Effect: Allow}),
			wantErr: `("NoAction") has no action`,
		},
		{
			name:    "refuses a principal that is both anyone and someone",
			doc:     New(Statement{Effect: Deny, Principal: &Principal{Anyone: true, AWS: []string{"arn:aws:iam::111122223333:root"}}, Action: []string{"s3:*"}}),
			wantErr: "cannot also name",
		},
		{
			name:    "refuses a principal that names nobody",
			doc:     New(Statement{Effect: Allow, Principal: &Principal{}, Action: []string{"s3:*"}}),
			wantErr: "names nobody",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.doc.JSON()
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("JSON() error = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("JSON() =\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}
