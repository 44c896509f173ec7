# METADATA
# title: secure-data-pipeline policy pack
# description: >
#   One rule per control of the must-pass list in security-controls.md that
#   applies to the resources the pipeline creates. Rule names start with deny_
#   (one resource) or stack_deny_ (the whole stack), as pulumi-policy-opa
#   expects; every message names the control ids and the fix. Values that are
#   unknown during a preview are skipped, never guessed.
package secure_data_pipeline

import rego.v1

# policy_doc parses a policy document input; undefined while it is unknown.
policy_doc(p) := doc if {
	is_string(p)
	json.is_valid(p)
	doc := json.unmarshal(p)
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

statements(doc) := as_list(doc.Statement)

# anyone reports a principal that is everybody.
anyone(p) if p == "*"

anyone(p) if "*" in as_list(p.AWS)

condition_values(s, op, key) := as_list(s.Condition[op][key])

of_type(t) := [r | some r in input.resources; r.__type == t]

# known reports a value that is not unknown: during a preview, outputs of
# resources not yet created reach the pack as objects, not strings.
known(x) if is_string(x)

# all_known reports that every resource of type t has field f known, so a
# stack rule that joins on f can judge.
all_known(t, f) if {
	every r in of_type(t) {
		known(object.get(r, f, null))
	}
}

# pinned_to_one_source reports a statement conditioned on exactly one
# aws:SourceArn. (A rule, not an inline count: `not` over an undefined
# function call is undefined, not true.)
pinned_to_one_source(s) if count(condition_values(s, "StringEquals", "aws:SourceArn")) == 1
