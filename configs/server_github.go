package configs

import (
	"errors"
	"fmt"
	"strings"
)

// The settings that go together, each named by its variable and its key
// in the file, so that an error says what to set in either.
const (
	settingAppID         = "REPOGUARD_APP_ID (github.app_id)"
	settingPrivateKey    = "REPOGUARD_PRIVATE_KEY_FILE (github.private_key_file)"
	settingWebhookSecret = "REPOGUARD_WEBHOOK_SECRET_FILE or REPOGUARD_WEBHOOK_SECRET (github.webhook_secret_file)"
	settingClientID      = "REPOGUARD_GITHUB_CLIENT_ID (github.client_id)"
	settingClientSecret  = "REPOGUARD_GITHUB_CLIENT_SECRET_FILE or REPOGUARD_GITHUB_CLIENT_SECRET (github.client_secret_file)"
	settingTeams         = "REPOGUARD_TRIAGE_TEAMS or REPOGUARD_READ_TEAMS (github.triage_teams)"
)

// validate checks that the App's credentials and the sign-in's come
// whole: a server given half an App would otherwise start as the queue
// alone and say so only in a warning.
func (g *GitHub) validate() error {
	if g.WebhookSecret != "" && g.WebhookSecretFile != "" {
		return errors.New("github: set webhook_secret or webhook_secret_file, not both")
	}
	if g.ClientSecret != "" && g.ClientSecretFile != "" {
		return errors.New("github: set client_secret or client_secret_file, not both")
	}
	if missing := missingOf(map[string]bool{
		settingAppID:         g.AppID != 0,
		settingPrivateKey:    g.PrivateKeyFile != "",
		settingWebhookSecret: g.WebhookSecret != "" || g.WebhookSecretFile != "",
	}); missing != "" {
		return fmt.Errorf("GitHub App: %s missing: the App id, its private key and the webhook secret go together "+
			"(set none of them to register the App from the setup page)", missing)
	}
	if missing := missingOf(map[string]bool{
		settingClientID:     g.ClientID != "",
		settingClientSecret: g.ClientSecret != "" || g.ClientSecretFile != "",
	}); missing != "" {
		return fmt.Errorf("GitHub sign-in: %s missing: the client id and secret go together", missing)
	}
	if g.ClientID != "" && len(g.TriageTeams)+len(g.ReadTeams) == 0 {
		return fmt.Errorf("GitHub sign-in: %s missing: without a team nobody could sign in", settingTeams)
	}
	return nil
}

// missingOf names the settings of a group that are not set when some
// are, in the order of the constants above; "" when all or none are set.
func missingOf(set map[string]bool) string {
	var missing []string
	for _, name := range []string{settingAppID, settingPrivateKey, settingWebhookSecret, settingClientID, settingClientSecret} {
		if isSet, inGroup := set[name]; inGroup && !isSet {
			missing = append(missing, name)
		}
	}
	if len(missing) == len(set) {
		return ""
	}
	return strings.Join(missing, " and ")
}
