package gitrepo

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
)

// tempClonePrefix starts the name of the directory a clone is made in
// before it is renamed into place.
const tempClonePrefix = ".clone-"

// CloneName names the directory that keeps the clone of a URL: a readable
// form of its path and a hash of the URL, without credentials, that keeps
// distinct URLs apart. It ends in ".git".
func CloneName(rawURL string) string {
	public := RedactURL(rawURL)
	sum := sha256.Sum256([]byte(public))
	s := public
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[i+1:] // drop the host
	}
	s = strings.TrimSuffix(s, ".git")
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, s)
	if len(s) > 60 {
		s = s[len(s)-60:]
	}
	// Never a leading dot: a hidden name, or one starting with
	// tempClonePrefix that ListClones would remove.
	s = strings.Trim(s, "._")
	return s + "-" + hex.EncodeToString(sum[:5]) + ".git"
}

// ListClones returns the entries of cacheDir that hold a clone (a
// repository in a directory whose name ends in ".git", as CloneName
// makes them), and removes the temporary directories that interrupted
// clones left there. It must not run while a Fetch in cacheDir does.
func ListClones(cacheDir string) ([]os.DirEntry, error) {
	des, err := os.ReadDir(cacheDir)
	if err != nil {
		return nil, err
	}
	var clones []os.DirEntry
	for _, de := range des {
		dir := filepath.Join(cacheDir, de.Name())
		if strings.HasPrefix(de.Name(), tempClonePrefix) {
			os.RemoveAll(dir)
			continue
		}
		if de.IsDir() && strings.HasSuffix(de.Name(), ".git") && IsGitDir(dir) {
			clones = append(clones, de)
		}
	}
	return clones, nil
}

// RedactURL returns a URL without its user information (credentials), for
// messages and logs.
func RedactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	u.User = nil
	return u.String()
}

// maxFetchError bounds the message of a fetch error, which quotes what
// the remote's server answered.
const maxFetchError = 400

// fetchError returns err with a message of one line, not too long, with
// the credentials of rawURL and auth removed, matching ErrRemoteNotFound
// when the remote does not exist; errors.Is and errors.As still see err.
func fetchError(err error, rawURL string, auth *Auth) error {
	var kind error
	if errors.Is(err, transport.ErrRepositoryNotFound) {
		kind = ErrRemoteNotFound
	}
	msg := hideCredentials(err.Error(), rawURL)
	if auth != nil && auth.password != "" {
		msg = strings.ReplaceAll(msg, auth.password, "***")
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > maxFetchError {
		msg = strings.ToValidUTF8(msg[:maxFetchError], "") + "…"
	}
	if kind == nil && msg == err.Error() {
		return err
	}
	return &repoError{msg: msg, kind: kind, cause: err}
}

// hideCredentials removes the credentials of rawURL from msg.
func hideCredentials(msg, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return msg
	}
	msg = strings.ReplaceAll(msg, rawURL, RedactURL(rawURL))
	if p, ok := u.User.Password(); ok && p != "" {
		msg = strings.ReplaceAll(msg, p, "***")
	}
	if name := u.User.Username(); len(name) >= 8 { // a token as user name
		msg = strings.ReplaceAll(msg, name, "***")
	}
	return msg
}
