package configs

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
)

// DefaultDataDir is the data directory when none is set, the same for
// every command: $XDG_DATA_HOME/repoguard, else
// $HOME/.local/share/repoguard.
func DefaultDataDir(getenv func(string) string) (string, error) {
	if base := getenv("XDG_DATA_HOME"); base != "" {
		return filepath.Join(base, "repoguard"), nil
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "share", "repoguard"), nil
	}
	return "", errors.New("no data directory: set --data, REPOGUARD_DATA_DIR or data_dir (or HOME)")
}

// CheckPublicURL checks the server's public URL: absolute, https, or
// http on a loopback host (localhost, 127.0.0.0/8, ::1) for a server
// tried on one machine. GitHub posts webhooks with their secret-signed
// bodies and sends sign-in and setup codes to it.
func CheckPublicURL(public string) error {
	u, err := url.Parse(public)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q: want an absolute https URL such as https://repoguard.example.com", public)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("%q: want https (http only on localhost)", public)
	}
	return fmt.Errorf("%q: want an absolute https URL such as https://repoguard.example.com", public)
}

// isLoopbackHost reports whether host names this machine.
func isLoopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
