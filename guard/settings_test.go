package guard

import (
	"reflect"
	"strings"
	"testing"
)

type testSettings struct {
	Count int      `setting:"count"`
	Ratio float64  `setting:"ratio"`
	On    bool     `setting:"on"`
	Mode  string   `setting:"mode"`
	Globs []string `setting:"globs"`
}

func testDetector(settings any, run func(*Pass)) *Detector {
	return &Detector{Name: "test-detector", Doc: "Tests.", Severity: Low, Settings: settings, Run: run}
}

func TestDetectorCheck(t *testing.T) {
	type untagged struct{ Count int }
	type unexported struct {
		count int `setting:"count"`
	}
	type wrongType struct {
		Limit int64 `setting:"limit"`
	}
	type named int
	type namedType struct {
		N named `setting:"n"`
	}
	type twice struct {
		A int `setting:"n"`
		B int `setting:"n"`
	}
	run := func(*Pass) {}
	tests := []struct {
		name string
		d    *Detector
		want string // "" for no error
	}{
		{"valid", testDetector(&testSettings{}, run), ""},
		{"no settings", testDetector(nil, run), ""},
		{"bad name", &Detector{Name: "Key_Material", Doc: "x", Severity: Low, Run: run}, `"Key_Material" is not kebab-case`},
		{"no doc", &Detector{Name: "a-b", Severity: Low, Run: run}, "needs Run, Doc and Severity"},
		{"no run", &Detector{Name: "a-b", Doc: "x", Severity: Low}, "needs Run, Doc and Severity"},
		{"struct value", testDetector(testSettings{}, run), "settings are a guard.testSettings, want a pointer to a struct"},
		{"pointer to int", testDetector(new(int), run), "settings are a *int, want a pointer to a struct"},
		{"untagged", testDetector(&untagged{}, run), "field Count needs to be exported and tagged"},
		{"unexported", testDetector(&unexported{}, run), "field count needs to be exported and tagged"},
		{"int64", testDetector(&wrongType{}, run), `setting "limit" is a int64, want float64, int, bool, string or []string`},
		{"named type", testDetector(&namedType{}, run), `setting "n" is a guard.named`},
		{"key twice", testDetector(&twice{}, run), `setting "n" is declared twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Check()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Check() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Check() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestSettingDefaults(t *testing.T) {
	def := &testSettings{Count: 3, Ratio: 0.5, On: true, Mode: "strict", Globs: []string{"a/**"}}
	d := testDetector(def, func(*Pass) {})
	got := d.SettingDefaults()
	want := map[string]any{"count": 3, "ratio": 0.5, "on": true, "mode": "strict", "globs": []string{"a/**"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SettingDefaults() = %#v, want %#v", got, want)
	}
	got["globs"].([]string)[0] = "changed"
	if def.Globs[0] != "a/**" {
		t.Error("SettingDefaults shares a list with the defaults")
	}
	if got := testDetector(nil, nil).SettingDefaults(); got != nil {
		t.Errorf("SettingDefaults() without settings = %#v, want nil", got)
	}
}

func TestPassSettings(t *testing.T) {
	def := testSettings{Count: 3, Ratio: 0.5, On: true, Mode: "strict", Globs: []string{"a/**"}}
	tests := []struct {
		name      string
		overrides map[string]any // nil: no policy
		want      testSettings
	}{
		{"no policy", nil, def},
		{"no overrides", map[string]any{}, def},
		{"every type", map[string]any{"count": 7, "ratio": 0.25, "on": false, "mode": "lax", "globs": []string{"b", "c"}},
			testSettings{Count: 7, Ratio: 0.25, Mode: "lax", Globs: []string{"b", "c"}}},
		{"int for a float", map[string]any{"ratio": 2}, with(def, func(s *testSettings) { s.Ratio = 2 })},
		{"float for an int", map[string]any{"count": 4.9}, with(def, func(s *testSettings) { s.Count = 4 })},
		{"list of any", map[string]any{"globs": []any{"x", 1, "y"}}, with(def, func(s *testSettings) { s.Globs = []string{"x", "y"} })},
		{"wrong type keeps the default", map[string]any{"on": "yes", "mode": 1, "globs": "z"}, def},
		{"unknown key", map[string]any{"other": 1}, def},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defaults := def
			defaults.Globs = []string{"a/**"}
			var got *testSettings
			d := testDetector(&defaults, func(p *Pass) { got = p.Settings().(*testSettings) })
			eng := Engine{Detectors: []*Detector{d}}
			if tt.overrides != nil {
				eng.Policy = &Policy{Detectors: map[string]DetectorPolicy{d.Name: {Settings: tt.overrides}}}
			}
			if _, err := eng.Judge(Subject{Commit: &Commit{}}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Settings() = %+v, want %+v", *got, tt.want)
			}
			if got == &defaults {
				t.Error("Settings() returned the defaults themselves")
			}
		})
	}
}

func TestPassSettingsNone(t *testing.T) {
	called := false
	d := testDetector(nil, func(p *Pass) {
		called = true
		if s := p.Settings(); s != nil {
			t.Errorf("Settings() = %#v, want nil", s)
		}
	})
	if _, err := (&Engine{Detectors: []*Detector{d}}).Judge(Subject{Commit: &Commit{}}); err != nil || !called {
		t.Fatalf("Judge: %v (run called: %v)", err, called)
	}
}

// with returns s changed by f.
func with(s testSettings, f func(*testSettings)) testSettings {
	f(&s)
	return s
}
