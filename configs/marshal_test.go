package configs

import (
	"reflect"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

// roundTrip checks that MarshalPolicy's output parses back to p.
func roundTrip(t *testing.T, p *guard.Policy, dets []*guard.Detector) {
	t.Helper()
	out, err := MarshalPolicy(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParsePolicy("show.yml", out, dets)
	if err != nil {
		t.Fatalf("output of MarshalPolicy does not parse:\n%v\n%s", err, out)
	}
	if !reflect.DeepEqual(p, q) {
		t.Errorf("round trip changed the policy:\n got %#v\nwant %#v\nyaml:\n%s", q, p, out)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		dets []*guard.Detector
		src  string
	}{
		{"defaults", nil, ""},
		{"defaults with detectors", fakeDetectors(), ""},
		{"empty", nil, "extends: none"},
		{"overrides", fakeDetectors(), `
categories:
  - name: keys
    teams: [acme/security]
    description: "yes: a description with: colons and 'quotes'"
  - name: contracts
    disabled: true
  - name: x1
    paths: ["0123/**", "true", "null"]
assets: ["!**/public/**", "ui/**"]
thresholds: {review: 0.1, block: high}
detectors:
  obfuscation:
    severity: low
    settings: {entropy: 7, assets: ["no", "**/*.bin"], mode: "off"}
  off-hours: {disabled: true}
`},
		{"untyped settings", nil, `
detectors:
  whatever:
    settings: {a: 1, b: 1.5, c: true, d: x, e: [y], f: []}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicy("repoguard.yml", []byte(tt.src), tt.dets)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, p, tt.dets)
		})
	}
}

func TestMarshalDefaultPolicy(t *testing.T) {
	roundTrip(t, DefaultPolicy(), nil)
	if _, err := MarshalPolicy(nil); err == nil {
		t.Error("MarshalPolicy(nil) succeeded")
	}
}
