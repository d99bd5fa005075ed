package guard

import "testing"

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"self", "slef", 2, 1},
		{"landlock", "landlok", 2, 1},
		{"abc", "abc", 2, 0},
		{"abcdef", "fedcba", 2, 3},
		{"a", "abcd", 2, 3},
		{"kitten", "sitting", 3, 3},
		{"labels", "lables", 1, 1}, // a transposition is one edit
	}
	for _, tt := range tests {
		if got := EditDistance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
