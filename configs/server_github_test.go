package configs

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestServerAppSettingsTogether: half an App (or half a sign-in) is
// refused with one line naming what is missing, in the variable's and
// the file's words; none or all of it starts.
func TestServerAppSettingsTogether(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // "" starts
	}{
		{"none: the queue alone and the setup page", nil, ""},
		{"all", map[string]string{"REPOGUARD_APP_ID": "7", "REPOGUARD_PRIVATE_KEY_FILE": "/k", "REPOGUARD_WEBHOOK_SECRET": "s"}, ""},
		{"id without key", map[string]string{"REPOGUARD_APP_ID": "7", "REPOGUARD_WEBHOOK_SECRET_FILE": "/s"},
			"GitHub App: REPOGUARD_PRIVATE_KEY_FILE (github.private_key_file) missing: the App id, its private key and the webhook secret go together (set none of them to register the App from the setup page)"},
		{"key without id", map[string]string{"REPOGUARD_PRIVATE_KEY_FILE": "/k", "REPOGUARD_WEBHOOK_SECRET": "s"},
			"GitHub App: REPOGUARD_APP_ID (github.app_id) missing"},
		{"no webhook secret", map[string]string{"REPOGUARD_APP_ID": "7", "REPOGUARD_PRIVATE_KEY_FILE": "/k"},
			"GitHub App: REPOGUARD_WEBHOOK_SECRET_FILE or REPOGUARD_WEBHOOK_SECRET (github.webhook_secret_file) missing"},
		{"a webhook secret alone", map[string]string{"REPOGUARD_WEBHOOK_SECRET": "s"},
			"GitHub App: REPOGUARD_APP_ID (github.app_id) and REPOGUARD_PRIVATE_KEY_FILE (github.private_key_file) missing"},
		{"client id without secret", map[string]string{"REPOGUARD_GITHUB_CLIENT_ID": "Iv1.x", "REPOGUARD_TRIAGE_TEAMS": "a/b"},
			"GitHub sign-in: REPOGUARD_GITHUB_CLIENT_SECRET_FILE or REPOGUARD_GITHUB_CLIENT_SECRET (github.client_secret_file) missing"},
		{"client secret without id", map[string]string{"REPOGUARD_GITHUB_CLIENT_SECRET": "x"},
			"GitHub sign-in: REPOGUARD_GITHUB_CLIENT_ID (github.client_id) missing"},
		{"sign-in without teams", map[string]string{"REPOGUARD_GITHUB_CLIENT_ID": "Iv1.x", "REPOGUARD_GITHUB_CLIENT_SECRET": "x"},
			"GitHub sign-in: REPOGUARD_TRIAGE_TEAMS or REPOGUARD_READ_TEAMS (github.triage_teams) missing: without a team nobody could sign in"},
		{"both client secrets", map[string]string{"REPOGUARD_GITHUB_CLIENT_SECRET": "x", "REPOGUARD_GITHUB_CLIENT_SECRET_FILE": "/f"},
			"github: set client_secret or client_secret_file, not both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": t.TempDir()}
			for k, v := range tc.env {
				env[k] = v
			}
			_, err := LoadServer("", envOf(env))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n")):
				t.Errorf("error %v, want one line starting %q", err, tc.want)
			}
		})
	}
}

// TestCheckPublicURL: the server's public URL is https, or http on this
// machine; the error says so, as `app manifest --url` does.
func TestCheckPublicURL(t *testing.T) {
	for u, ok := range map[string]bool{
		"https://rg.example.com":         true,
		"https://rg.example.com/guard/":  true,
		"http://127.0.0.1:8080":          true,
		"http://localhost:8080":          true,
		"http://[::1]:8080":              true,
		"http://rg.example.com":          false,
		"http://10.0.0.5:8080":           false,
		"ftp://rg.example.com":           false,
		"rg.example.com":                 false,
		"https://user:pw@rg.example.com": false,
		"https://rg.example.com/#x":      false,
		"":                               false,
	} {
		err := CheckPublicURL(u)
		if (err == nil) != ok {
			t.Errorf("%q: %v, want ok=%v", u, err, ok)
		}
		if err != nil && !strings.Contains(err.Error(), "https") {
			t.Errorf("%q: %v does not say https is wanted", u, err)
		}
		if _, merr := NewAppManifest("rg", u, nil); (merr == nil) != ok {
			t.Errorf("manifest for %q: %v, want ok=%v", u, merr, ok)
		}
	}
}

// TestExampleShowsEverySetting: configs/examples/server.yml shows every
// key the server's file accepts (a commented-out line, such as the
// secret given inline instead of as a file, counts), and ServerEnv has a
// variable for each.
func TestExampleShowsEverySetting(t *testing.T) {
	keys := yamlKeys(reflect.TypeOf(Server{}), "")
	var env []string
	for _, e := range ServerEnv {
		env = append(env, e.Setting)
	}
	slices.Sort(keys)
	slices.Sort(env)
	if !slices.Equal(keys, env) {
		t.Errorf("ServerEnv names %v,\nthe file accepts %v", env, keys)
	}
	b, err := os.ReadFile("examples/server.yml")
	if err != nil {
		t.Fatal(err)
	}
	uncomment := regexp.MustCompile(`(?m)^(\s*)# ([a-z_]+: )`)
	var doc map[string]any
	if err := yaml.Unmarshal(uncomment.ReplaceAll(b, []byte("$1$2")), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, ok := lookupKey(doc, k); !ok {
			t.Errorf("examples/server.yml does not show %s", k)
		}
	}
	if bytes.Contains(b, []byte("\t")) {
		t.Error("examples/server.yml holds a tab")
	}
}

// yamlKeys lists the dotted yaml keys of the struct t.
func yamlKeys(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || name == "" {
			continue
		}
		if f.Type.Kind() == reflect.Struct && f.Type.String() != "time.Duration" {
			out = append(out, yamlKeys(f.Type, prefix+name+".")...)
			continue
		}
		out = append(out, prefix+name)
	}
	return out
}

// lookupKey finds a dotted key in a decoded YAML document.
func lookupKey(doc map[string]any, key string) (any, bool) {
	head, rest, nested := strings.Cut(key, ".")
	v, ok := doc[head]
	if !ok || !nested {
		return v, ok
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	return lookupKey(m, rest)
}

// TestStoredApp: the App stored by the setup page is in files of mode
// 0600 in a folder of mode 0700; a restart takes it when the
// configuration names no App, and a configured App wins over it.
func TestStoredApp(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	app := StoredApp{ID: 99, Slug: "repoguard-acme", Owner: "acme", ClientID: "Iv1.abc"}
	sec := AppSecrets{PrivateKeyPEM: []byte("-----BEGIN RSA PRIVATE KEY-----\n...\n"), WebhookSecret: "whs", ClientSecret: "cls"}
	if err := SaveApp(data, app, sec); err != nil {
		t.Fatal(err)
	}
	dir := StoredAppDir(data)
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("folder %s: %v %v, want mode 0700", dir, fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if fi, _ := e.Info(); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", e.Name(), fi.Mode())
		}
	}
	if want := []string{"app.json", "client-secret", "private-key.pem", "webhook-secret"}; !slices.Equal(names, want) {
		t.Errorf("files %v, want %v (no temporary file left)", names, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "app.json")); bytes.Contains(b, []byte("whs")) || bytes.Contains(b, []byte("cls")) {
		t.Errorf("app.json holds a secret: %s", b)
	}
	if err := SaveApp(data, app, sec); err == nil || !strings.Contains(err.Error(), "holds an App already") {
		t.Errorf("a second App: %v, want a refusal", err)
	}

	env := map[string]string{"REPOGUARD_DATA_DIR": data, "REPOGUARD_TRIAGE_TEAMS": "acme/security"}
	cfg, err := LoadServer("", envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	g := cfg.GitHub
	if g.AppID != 99 || g.PrivateKeyFile != filepath.Join(dir, "private-key.pem") || g.StoredApp != dir ||
		g.ClientID != "Iv1.abc" || g.ClientSecretFile != filepath.Join(dir, "client-secret") {
		t.Errorf("stored App not taken: %+v", g)
	}
	if s, err := cfg.Secret(); err != nil || string(s) != "whs" {
		t.Errorf("webhook secret %q %v", s, err)
	}

	// The environment's App wins, whole; its own sign-in too.
	env["REPOGUARD_APP_ID"], env["REPOGUARD_PRIVATE_KEY_FILE"], env["REPOGUARD_WEBHOOK_SECRET"] = "7", "/k", "s"
	cfg, err = LoadServer("", envOf(env))
	if err != nil || cfg.GitHub.AppID != 7 || cfg.GitHub.StoredApp != "" || cfg.GitHub.ClientID != "" {
		t.Errorf("configured App: %+v %v", cfg.GitHub, err)
	}
	delete(env, "REPOGUARD_APP_ID")
	delete(env, "REPOGUARD_PRIVATE_KEY_FILE")
	delete(env, "REPOGUARD_WEBHOOK_SECRET")
	env["REPOGUARD_GITHUB_CLIENT_ID"], env["REPOGUARD_GITHUB_CLIENT_SECRET"] = "Iv1.own", "own"
	if cfg, err = LoadServer("", envOf(env)); err != nil || cfg.GitHub.AppID != 99 || cfg.GitHub.ClientID != "Iv1.own" || cfg.GitHub.ClientSecretFile != "" {
		t.Errorf("configured sign-in: %+v %v", cfg.GitHub, err)
	}

	os.WriteFile(filepath.Join(dir, "app.json"), []byte(`{"id": "x"}`), 0o600)
	if _, err := LoadServer("", envOf(env)); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "app.json")) {
		t.Errorf("corrupt app.json: %v, want an error naming it", err)
	}
}
