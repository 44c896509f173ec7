package tests

import (
	"encoding/json"
	"slices"
	"testing"
)

// statement is one policy statement, parsed independently of the code that
// wrote it: single values and lists both become lists.
type statement struct {
	Sid          string
	Effect       string
	Anyone       bool // Principal "*" or {"AWS": "*"}
	AWS          []string
	Service      []string
	Action       []string
	Resource     []string
	Condition    map[string]map[string][]string
	NotPrincipal bool
	NotAction    bool
	NotResource  bool
}

// parsePolicy parses a policy document from a resource's "policy" input.
func parsePolicy(t *testing.T, r registration) []statement {
	t.Helper()
	v := r.path("policy")
	if !v.IsString() {
		t.Fatalf("%s %q has no known policy input (got %v)", r.Type, r.Name, v)
	}
	var doc struct {
		Version   string
		Statement []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(v.StringValue()), &doc); err != nil {
		t.Fatalf("%s %q: policy is not JSON: %v", r.Type, r.Name, err)
	}
	if doc.Version != "2012-10-17" {
		t.Errorf("%s %q: policy Version = %q, want 2012-10-17", r.Type, r.Name, doc.Version)
	}
	var out []statement
	for _, raw := range doc.Statement {
		s := statement{Condition: map[string]map[string][]string{}}
		unmarshal(t, raw["Sid"], &s.Sid)
		unmarshal(t, raw["Effect"], &s.Effect)
		s.Action = stringList(t, raw["Action"])
		s.Resource = stringList(t, raw["Resource"])
		_, s.NotPrincipal = raw["NotPrincipal"]
		_, s.NotAction = raw["NotAction"]
		_, s.NotResource = raw["NotResource"]
		if p, ok := raw["Principal"]; ok {
			var star string
			if json.Unmarshal(p, &star) == nil {
				s.Anyone = star == "*"
			} else {
				var m map[string]json.RawMessage
				unmarshal(t, p, &m)
				s.AWS = stringList(t, m["AWS"])
				s.Service = stringList(t, m["Service"])
				s.Anyone = slices.Contains(s.AWS, "*")
			}
		}
		if c, ok := raw["Condition"]; ok {
			var ops map[string]map[string]json.RawMessage
			unmarshal(t, c, &ops)
			for op, keys := range ops {
				s.Condition[op] = map[string][]string{}
				for k, vals := range keys {
					s.Condition[op][k] = stringList(t, vals)
				}
			}
		}
		out = append(out, s)
	}
	return out
}

func unmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if raw == nil {
		return
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("policy element %s: %v", raw, err)
	}
}

// stringList reads a policy element that may be one string or a list.
func stringList(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	if raw == nil {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	unmarshal(t, raw, &many)
	return many
}

// find returns the statements matching keep.
func find(stmts []statement, keep func(statement) bool) []statement {
	var out []statement
	for _, s := range stmts {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// condition returns the values a statement's condition gives key under op.
func (s statement) condition(op, key string) []string {
	return s.Condition[op][key]
}

// allows reports whether the statement is an Allow that includes action.
func (s statement) allows(action string) bool {
	return s.Effect == "Allow" && slices.Contains(s.Action, action)
}

// denies reports whether the statement is a Deny that covers action.
func (s statement) denies(action string) bool {
	if s.Effect != "Deny" {
		return false
	}
	return slices.Contains(s.Action, action) || slices.Contains(s.Action, "s3:*") && len(action) > 3 && action[:3] == "s3:"
}
