package main

import "testing"

func TestOwnerName(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/acme/vault.git":          "acme/vault",
		"https://github.com/acme/vault":              "acme/vault",
		"git@github.com:acme/vault.git":              "acme/vault",
		"ssh://git@github.example.com/acme/vault/":   "acme/vault",
		"https://x-access-token@ghe.io/org/repo.git": "org/repo",
		"/srv/git/vault.git":                         "",
		"https://github.com/":                        "",
	} {
		if got := ownerName(in); got != want {
			t.Errorf("ownerName(%q) = %q, want %q", in, got, want)
		}
	}
}
