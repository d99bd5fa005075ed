package vendorpath

import "testing"

func TestMatch(t *testing.T) {
	for p, want := range map[string]bool{
		"vendor/github.com/x/y/go.mod":              true,
		"web/ui/node_modules/left-pad/package.json": true,
		"third_party/zlib/.travis.yml":              true,
		"go.mod":                                    false,
		"vendors.go":                                false,
		"pkg/vendored/go.mod":                       false,
		"docs/vendor.md":                            false,
	} {
		if got := Match(p); got != want {
			t.Errorf("Match(%q) = %v, want %v", p, got, want)
		}
	}
}
