package guard

import "time"

// Profile summarizes an author's normal behaviour in one repository (or
// across the organization when Repo is empty). The baseline store keeps
// and updates it; behaviour detectors compare a change with it.
type Profile struct {
	// Key identifies the author: the GitHub login when known, otherwise
	// the normalized email.
	Key       string
	Repo      string
	Commits   int
	FirstSeen time.Time
	LastSeen  time.Time
}
