package configs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The files of an App registered from the setup page, in StoredAppDir:
// app.json is written last, so that its presence means the others are
// whole.
const (
	storedAppFile           = "app.json"
	storedKeyFile           = "private-key.pem"
	storedWebhookSecretFile = "webhook-secret"
	storedClientSecretFile  = "client-secret"
)

// StoredAppDir is the folder of the data directory (mode 0700) where the
// setup page stores the App that GitHub registered from the manifest:
// app.json (its id, slug, owner and client id), private-key.pem,
// webhook-secret and client-secret, each mode 0600.
func StoredAppDir(dataDir string) string { return filepath.Join(dataDir, "github-app") }

// StoredApp is what app.json keeps of a registered App: nothing secret.
type StoredApp struct {
	ID       int64  `json:"id"`
	Slug     string `json:"slug"`
	Name     string `json:"name,omitempty"`
	Owner    string `json:"owner,omitempty"`
	ClientID string `json:"client_id,omitempty"`
}

// AppSecrets are the secrets GitHub hands over once, with the App.
type AppSecrets struct {
	PrivateKeyPEM []byte
	WebhookSecret string
	ClientSecret  string
}

// SaveApp stores a registered App and its secrets in StoredAppDir of
// dataDir, each file written whole or not at all. It refuses to replace
// an App stored before.
func SaveApp(dataDir string, app StoredApp, sec AppSecrets) error {
	if app.ID <= 0 || len(sec.PrivateKeyPEM) == 0 || sec.WebhookSecret == "" {
		return errors.New("store GitHub App: id, private key and webhook secret are required")
	}
	dir := StoredAppDir(dataDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("store GitHub App: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("store GitHub App: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, storedAppFile)); err == nil {
		return fmt.Errorf("store GitHub App: %s holds an App already; remove it to register another", dir)
	}
	if sec.ClientSecret == "" {
		app.ClientID = "" // a client id alone signs nobody in
	}
	meta, err := json.MarshalIndent(app, "", "  ")
	if err != nil {
		return fmt.Errorf("store GitHub App: %w", err)
	}
	files := []struct {
		name string
		data []byte
	}{
		{storedKeyFile, sec.PrivateKeyPEM},
		{storedWebhookSecretFile, []byte(sec.WebhookSecret)},
		{storedClientSecretFile, []byte(sec.ClientSecret)},
		{storedAppFile, append(meta, '\n')},
	}
	for _, f := range files {
		if len(f.data) == 0 {
			continue
		}
		if err := writeFileAtomic(dir, f.name, f.data); err != nil {
			return fmt.Errorf("store GitHub App: %w", err)
		}
	}
	return nil
}

// writeFileAtomic writes data to dir/name with mode 0600 through a
// temporary file renamed over it, synced before and after the rename.
func writeFileAtomic(dir, name string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// UseStoredApp takes the App stored in the data directory (StoredAppDir)
// when the configuration names none of the App id, private key and
// webhook secret: settings given in the file or the environment always
// win. The stored client id and secret are taken unless the
// configuration sets its own; GitHub sign-in still needs teams.
func (c *Server) UseStoredApp() error {
	g := &c.GitHub
	if g.AppID != 0 || g.PrivateKeyFile != "" || g.WebhookSecret != "" || g.WebhookSecretFile != "" {
		return nil
	}
	dir := StoredAppDir(c.DataDir)
	path := filepath.Join(dir, storedAppFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("stored GitHub App: %w", err)
	}
	var app StoredApp
	if err := json.Unmarshal(b, &app); err != nil || app.ID <= 0 {
		return fmt.Errorf("stored GitHub App %s: not an App (want a JSON object with a positive id)", path)
	}
	g.AppID, g.StoredApp = app.ID, dir
	g.PrivateKeyFile = filepath.Join(dir, storedKeyFile)
	g.WebhookSecretFile = filepath.Join(dir, storedWebhookSecretFile)
	if g.ClientID == "" && g.ClientSecret == "" && g.ClientSecretFile == "" && app.ClientID != "" {
		g.ClientID, g.ClientSecretFile = app.ClientID, filepath.Join(dir, storedClientSecretFile)
	}
	return nil
}
