package guard

import (
	"errors"
	"reflect"
	"testing"
)

func TestCursorPlan(t *testing.T) {
	known := map[string]bool{"a": true, "b": true, "c": true}
	resolve := func(r string) (string, error) {
		if !known[r] {
			return "", errors.New("not found")
		}
		return r, nil
	}
	for _, tc := range []struct {
		name         string
		hash, target string
		done         int
		tip          string
		want         []LearnSegment
		wantErr      bool
	}{
		{"first run", "", "", 0, "c", []LearnSegment{{Target: "c"}}, false},
		{"up to date", "c", "", 0, "c", nil, false},
		{"new commits", "a", "", 0, "c", []LearnSegment{{Base: "a", Target: "c"}}, false},
		{"resume then continue", "a", "b", 40, "c", []LearnSegment{{Base: "a", Target: "b", Skip: 40}, {Base: "b", Target: "c"}}, false},
		{"resume, nothing new", "", "b", 7, "b", []LearnSegment{{Target: "b", Skip: 7}}, false},
		{"cursor gone", "x", "", 0, "c", nil, true},
		{"target gone", "a", "y", 3, "c", nil, true},
	} {
		got, err := Cursor{Hash: tc.hash, Target: tc.target, Done: tc.done}.Plan(tc.tip, resolve)
		if (err != nil) != tc.wantErr || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, %v; want %+v (error %v)", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
	if r := (LearnSegment{Base: "a", Target: "c"}).Rev(); r != "a..c" {
		t.Errorf("Rev %q", r)
	}
}
