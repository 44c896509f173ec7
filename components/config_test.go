package components

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// projectConfig is the config schema of Pulumi.yaml.
type projectConfig map[string]struct {
	Type        string `yaml:"type"`
	Default     any    `yaml:"default"`
	Description string `yaml:"description"`
}

func readProjectConfig(t *testing.T) projectConfig {
	t.Helper()
	raw, err := os.ReadFile("../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var project struct {
		Name    string        `yaml:"name"`
		Runtime string        `yaml:"runtime"`
		Config  projectConfig `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &project); err != nil {
		t.Fatalf("Pulumi.yaml: %v", err)
	}
	if project.Name != "secure-data-pipeline" || project.Runtime != "go" {
		t.Fatalf("Pulumi.yaml project = %q runtime %q, want secure-data-pipeline on go", project.Name, project.Runtime)
	}
	return project.Config
}

// lookupOf answers config lookups from a map of raw values.
func lookupOf(values map[string]string) func(string) (string, bool) {
	return func(key string) (string, bool) {
		v, ok := values[key]
		return v, ok
	}
}

func TestEveryPulumiYAMLKeyHasATypeADefaultAndADescription(t *testing.T) {
	for key, schema := range readProjectConfig(t) {
		if schema.Description == "" {
			t.Errorf("%s has no description", key)
		}
		// A typed key without a default is required by the CLI.
		if schema.Default == nil {
			t.Errorf("%s has no default, so every stack would have to set it", key)
			continue
		}
		var ok bool
		switch schema.Type {
		case "string":
			_, ok = schema.Default.(string)
		case "integer":
			_, ok = schema.Default.(int)
		case "boolean":
			_, ok = schema.Default.(bool)
		}
		if !ok {
			t.Errorf("%s: default %v (%T) is not of type %q", key, schema.Default, schema.Default, schema.Type)
		}
	}
}

func TestTheProgramReadsExactlyTheKeysPulumiYAMLDeclares(t *testing.T) {
	var read []string
	_, err := argsFromSettings("prod", func(key string) (string, bool) {
		read = append(read, key)
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for key := range readProjectConfig(t) {
		declared = append(declared, key)
	}
	slices.Sort(read)
	slices.Sort(declared)
	if !slices.Equal(read, declared) {
		t.Errorf("program reads %v,\nPulumi.yaml declares %v", read, declared)
	}
}

func TestGoDefaultsEqualThePulumiYAMLDefaults(t *testing.T) {
	defaults := map[string]string{}
	for key, schema := range readProjectConfig(t) {
		defaults[key] = fmt.Sprint(schema.Default)
	}
	// protect's Go default depends on the environment; Pulumi.yaml gives the
	// value for every environment but dev, and Pulumi.dev.yaml sets dev's.
	for _, stack := range []string{"prod", "staging"} {
		fromGo, err := argsFromSettings(stack, lookupOf(nil))
		if err != nil {
			t.Fatal(err)
		}
		fromYAML, err := argsFromSettings(stack, lookupOf(defaults))
		if err != nil {
			t.Fatalf("the Pulumi.yaml defaults are invalid: %v", err)
		}
		if !reflect.DeepEqual(fromGo, fromYAML) {
			t.Errorf("stack %s: Go defaults give\n%+v\nPulumi.yaml defaults give\n%+v", stack, *fromGo, *fromYAML)
		}
	}
}

func TestTheDevStackConfigIsValidAndUnprotected(t *testing.T) {
	raw, err := os.ReadFile("../Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var stack struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &stack); err != nil {
		t.Fatalf("Pulumi.dev.yaml: %v", err)
	}
	declared := readProjectConfig(t)
	values := map[string]string{}
	for k, v := range stack.Config {
		key, ok := strings.CutPrefix(k, "secure-data-pipeline:")
		if !ok {
			if !strings.HasPrefix(k, "aws:") {
				t.Errorf("Pulumi.dev.yaml sets %q, which belongs to neither this project nor the AWS provider", k)
			}
			continue
		}
		if _, ok := declared[key]; !ok {
			t.Errorf("Pulumi.dev.yaml sets %q, which Pulumi.yaml does not declare", key)
		}
		values[key] = fmt.Sprint(v)
	}
	if _, ok := stack.Config["aws:region"]; !ok {
		t.Error("Pulumi.dev.yaml sets no aws:region")
	}
	args, err := argsFromSettings("dev", lookupOf(values))
	if err != nil {
		t.Fatalf("Pulumi.dev.yaml is invalid: %v", err)
	}
	if *args.Protect {
		t.Error("dev is protected; it is meant to be torn down and rebuilt")
	}
}
