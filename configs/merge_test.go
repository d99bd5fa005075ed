package configs

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

func TestMergeSemantics(t *testing.T) {
	def := DefaultPolicy()
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, p *guard.Policy)
	}{
		{"empty file is the defaults", "", func(t *testing.T, p *guard.Policy) {
			if !reflect.DeepEqual(p.Categories, def.Categories) || !reflect.DeepEqual(p.Thresholds, def.Thresholds) ||
				!reflect.DeepEqual(p.Assets, def.Assets) || !reflect.DeepEqual(p.Ignore, def.Ignore) {
				t.Error("empty policy differs from the defaults")
			}
		}},
		{"a field replaces only that field, in place", `
categories:
  - name: deploy
    approvals: 2
    teams: ["@acme/sre"]`, func(t *testing.T, p *guard.Policy) {
			c := p.Category("deploy")
			want := *def.Category("deploy")
			want.Approvals, want.Teams = 2, []string{"acme/sre"}
			if !reflect.DeepEqual(*c, want) {
				t.Errorf("deploy = %+v, want %+v", *c, want)
			}
			if !slices.Equal(categoryNames(p), categoryNames(def)) {
				t.Errorf("order changed: %v", categoryNames(p))
			}
		}},
		{"paths are replaced, not appended", `
categories:
  - name: contracts
    paths: ["onchain/**"]
    exclude: []`, func(t *testing.T, p *guard.Policy) {
			c := p.Category("contracts")
			if !slices.Equal(c.Paths, []string{"onchain/**"}) || c.Exclude != nil || c.Approvals != 2 {
				t.Errorf("contracts = %+v", *c)
			}
		}},
		{"a new category is appended with defaults", `
categories:
  - name: treasury
    paths: ["treasury/**"]`, func(t *testing.T, p *guard.Policy) {
			last := p.Categories[len(p.Categories)-1]
			want := guard.Category{Name: "treasury", Paths: []string{"treasury/**"}, Approvals: 1, Severity: guard.Medium}
			if !reflect.DeepEqual(last, want) {
				t.Errorf("last category = %+v, want %+v", last, want)
			}
		}},
		{"disabled removes a category", `
categories:
  - name: dependencies
    disabled: true
  - name: ci
    disabled: false
    severity: low`, func(t *testing.T, p *guard.Policy) {
			if p.Category("dependencies") != nil || len(p.Categories) != len(def.Categories)-1 {
				t.Errorf("categories = %v", categoryNames(p))
			}
			if p.Category("ci").Severity != guard.Low {
				t.Error("ci severity not overridden")
			}
		}},
		{"assets and ignore append, dedupe and remove", `
assets: ["design/**", "**/assets/**", "design/**"]
ignore: ["!**/*.snap", "gen/**"]`, func(t *testing.T, p *guard.Policy) {
			if want := append(slices.Clone(def.Assets), "design/**"); !slices.Equal(p.Assets, want) {
				t.Errorf("assets = %v, want %v", p.Assets, want)
			}
			want := slices.DeleteFunc(slices.Clone(def.Ignore), func(s string) bool { return s == "**/*.snap" })
			if want = append(want, "gen/**"); !slices.Equal(p.Ignore, want) {
				t.Errorf("ignore = %v, want %v", p.Ignore, want)
			}
		}},
		{"thresholds override field by field", `
thresholds:
  queue: low`, func(t *testing.T, p *guard.Policy) {
			want := def.Thresholds
			want.Queue = guard.Low
			if p.Thresholds != want {
				t.Errorf("thresholds = %+v, want %+v", p.Thresholds, want)
			}
		}},
		{"extends none starts empty", `
extends: none
categories:
  - name: contracts
    paths: ["**/*.sol"]`, func(t *testing.T, p *guard.Policy) {
			if len(p.Categories) != 1 || p.Assets != nil || p.Ignore != nil || p.Thresholds != builtinThresholds {
				t.Errorf("policy = %+v", p)
			}
		}},
		{"detectors merge settings by key over defaults", `
detectors:
  obfuscation:
    severity: high
    settings: {entropy: 5, assets: []}
  key-material:
    disabled: true`, func(t *testing.T, p *guard.Policy) {
			want := map[string]guard.DetectorPolicy{
				"obfuscation": {Severity: guard.High, Settings: map[string]any{
					"min_blob_length": 200, "entropy": 5.0, "assets": []string{},
					"check_minified": true, "mode": "strict"}},
				"key-material": {Disabled: true, Settings: map[string]any{"allow_test_keys": false}},
				"off-hours":    {Settings: map[string]any{}},
				"unusual-time": {Settings: map[string]any{"min_commits": 30, "max_tail": 0.003}},
			}
			if !reflect.DeepEqual(p.Detectors, want) {
				t.Errorf("detectors = %#v\nwant %#v", p.Detectors, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, mustParse(t, tt.src))
		})
	}
}

func TestDefaultPolicyIsACopy(t *testing.T) {
	p := DefaultPolicy()
	p.Categories[0].Paths[0] = "changed"
	p.Assets[0] = "changed"
	p.Thresholds.Review = 1
	q := DefaultPolicy()
	if q.Categories[0].Paths[0] == "changed" || q.Assets[0] == "changed" || q.Thresholds.Review == 1 {
		t.Error("DefaultPolicy shares memory between calls")
	}
	if !strings.Contains(string(DefaultPolicyFile()), "Merge semantics") {
		t.Error("DefaultPolicyFile lacks its documentation")
	}
}

func TestDefaultCategories(t *testing.T) {
	p := DefaultPolicy()
	want := []string{guard.CategoryContracts, guard.CategoryKeys, guard.CategoryDeploy, guard.CategoryCI,
		guard.CategoryBuild, guard.CategoryDependencies, guard.CategoryAccess}
	if got := categoryNames(p); !slices.Equal(got, want) {
		t.Errorf("default categories = %v, want %v", got, want)
	}
	for _, c := range p.Categories {
		if c.Description == "" || c.Approvals < 1 || c.Severity == guard.SeverityNone {
			t.Errorf("category %s lacks description, approvals or severity", c.Name)
		}
	}
}

func TestUncheckedDetectors(t *testing.T) {
	p, err := ParsePolicy("p.yml", []byte("detectors:\n  anything:\n    settings: {n: 3, f: 0.5, l: [a]}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"n": 3, "f": 0.5, "l": []string{"a"}}
	if got := p.Detectors["anything"].Settings; !reflect.DeepEqual(got, want) {
		t.Errorf("settings = %#v, want %#v", got, want)
	}
	_, err = ParsePolicy("p.yml", []byte("detectors:\n  anything: {}\n"), []*guard.Detector{})
	if err == nil || !strings.Contains(err.Error(), `unknown detector "anything" (known detectors: none)`) {
		t.Errorf("with no known detectors: %v", err)
	}
}

func TestLoadPolicy(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yml")
	_, err := LoadPolicy(missing, nil)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), missing) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadPolicy(missing) = %v", err)
	}
	big := filepath.Join(dir, "big.yml")
	if err := os.WriteFile(big, []byte("#"+strings.Repeat("x", MaxPolicySize)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPolicy(big, nil); err == nil || !strings.HasPrefix(err.Error(), big+":1:1: ") {
		t.Errorf("LoadPolicy(big) = %v", err)
	}
}

func TestErrorsUnwrap(t *testing.T) {
	_, err := ParsePolicy("p.yml", []byte("version: 2\nextends: x\n"), nil)
	var pe *PolicyError
	if !errors.As(err, &pe) || pe.Line != 1 || pe.Column != 10 {
		t.Fatalf("errors.As(*PolicyError) = %v", pe)
	}
	var es Errors
	if !errors.As(err, &es) || len(es) != 2 {
		t.Fatalf("errors.As(Errors) = %v", es)
	}
}

func TestSyntaxErrorPositions(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a: 1\nb: \x01\n", "p.yml:2:4: invalid YAML: control characters are not allowed"},
		{"a: 1\n\xff\n", "p.yml:2:1: invalid YAML: invalid leading UTF-8 octet"},
		{"categories:\n  - teams: *sec\n", "p.yml:2:12: invalid YAML: unknown anchor 'sec' referenced"},
		{"a: 'x\n", "p.yml:2:1: invalid YAML: found unexpected end of stream"},
		{"a:\n\tb: 1\n", "p.yml:2:1: invalid YAML: found character that cannot start any token"},
	}
	for _, tt := range tests {
		_, err := ParsePolicy("p.yml", []byte(tt.src), nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParsePolicy(%q) = %v, want %s", tt.src, err, tt.want)
		}
	}
}

// TestExamplePolicy checks what the example file claims.
func TestExamplePolicy(t *testing.T) {
	p, err := LoadPolicy("examples/repoguard.yml", fakeDetectors())
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultPolicy()
	if c := p.Category("contracts"); c.Approvals != 2 || len(c.Teams) != 2 || !slices.Equal(c.Paths, def.Category("contracts").Paths) {
		t.Errorf("contracts = %+v", *c)
	}
	if p.Category("deploy") != nil || p.Category("treasury") == nil || p.Category("dependencies").Approvals != 0 {
		t.Errorf("categories = %v", categoryNames(p))
	}
	if slices.Contains(p.Assets, "**/public/**") || !slices.Contains(p.Assets, "design/**") {
		t.Errorf("assets = %v", p.Assets)
	}
	if p.Thresholds.Review != 30 || p.Thresholds.Queue != guard.Low || p.Thresholds.Block != guard.Critical {
		t.Errorf("thresholds = %+v", p.Thresholds)
	}
	if p.Detectors["obfuscation"].Settings["min_blob_length"] != 400 || p.Detectors["unusual-time"].Severity != guard.Low {
		t.Errorf("detectors = %+v", p.Detectors)
	}
}

func BenchmarkParseExample(b *testing.B) {
	data, err := os.ReadFile("examples/repoguard.yml")
	if err != nil {
		b.Fatal(err)
	}
	dets := fakeDetectors()
	for i := 0; i < b.N; i++ {
		if _, err := ParsePolicy("repoguard.yml", data, dets); err != nil {
			b.Fatal(err)
		}
	}
}
