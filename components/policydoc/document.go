package policydoc

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Version is the only policy language version AWS recommends.
const Version = "2012-10-17"

// Effect says whether a statement allows or denies.
type Effect string

// The two effects a statement can have.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is a policy document.
type Document struct {
	Version   string      `json:"Version"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// New returns a document of the current version with the given statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// Statement is one statement of a document. Action and Resource are always
// rendered as arrays, which AWS accepts for one value as well as for many.
type Statement struct {
	Sid       string     `json:"Sid,omitempty"`
	Effect    Effect     `json:"Effect"`
	Principal *Principal `json:"Principal,omitempty"`
	Action    []string   `json:"Action"`
	Resource  []string   `json:"Resource,omitempty"`
	Condition Conditions `json:"Condition,omitempty"`
}

// Conditions maps a condition operator (StringEquals, Bool, ArnLike, ...) to
// the condition keys it tests and their accepted values. encoding/json sorts
// map keys, so a document always renders the same bytes.
type Conditions map[string]map[string][]string

// Principal names who a resource-based policy applies to.
type Principal struct {
	// Anyone renders as "*": every principal, authenticated or not. Only a
	// Deny, or an Allow narrowed by conditions, should use it.
	Anyone  bool
	AWS     []string
	Service []string
}

// Anyone is the "*" principal.
func Anyone() *Principal { return &Principal{Anyone: true} }

// AWS is a principal of AWS accounts, roles or users, given by ARN.
func AWS(arns ...string) *Principal { return &Principal{AWS: arns} }

// Service is a principal of AWS services, such as "cloudtrail.amazonaws.com".
func Service(names ...string) *Principal { return &Principal{Service: names} }

// MarshalJSON renders "*" for Anyone and an object of principal types
// otherwise.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Anyone {
		if len(p.AWS) > 0 || len(p.Service) > 0 {
			return nil, errors.New("policydoc: principal \"*\" cannot also name AWS or service principals")
		}
		return []byte(`"*"`), nil
	}
	if len(p.AWS) == 0 && len(p.Service) == 0 {
		return nil, errors.New("policydoc: principal names nobody; use Anyone, AWS or Service")
	}
	return json.Marshal(struct {
		AWS     []string `json:"AWS,omitempty"`
		Service []string `json:"Service,omitempty"`
	}{p.AWS, p.Service})
}

// JSON renders the document. It fails on a statement without an effect or an
// action, which AWS would reject only at deploy time.
func (d Document) JSON() (string, error) {
	for i, s := range d.Statement {
		if s.Effect != Allow && s.Effect != Deny {
			return "", fmt.Errorf("policydoc: statement %d (%q): effect %q is neither Allow nor Deny", i, s.Sid, s.Effect)
		}
		if len(s.Action) == 0 {
			return "", fmt.Errorf("policydoc: statement %d (%q) has no action", i, s.Sid)
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
