package githubtest

import (
	"encoding/base64"
	"net/http"
	"path"
	"sort"
	"strings"
)

// DefaultBranch is the ref the contents endpoint reads when the request
// names none.
const DefaultBranch = "main"

// SetTeamMember sets login's membership state in team org/slug:
// "active", "pending", or "" to remove it.
func (s *Server) SetTeamMember(org, slug, login, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := org + "/" + slug + "/" + login
	if state == "" {
		delete(s.members, k)
		return
	}
	s.members[k] = state
}

// SetFile sets the content of a file at a ref ("" for DefaultBranch);
// nil content removes it.
func (s *Server) SetFile(owner, repo, ref, filePath string, content []byte) {
	if ref == "" {
		ref = DefaultBranch
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := fileKey(owner, repo, ref, filePath)
	if content == nil {
		delete(s.files, k)
		return
	}
	s.files[k] = append([]byte(nil), content...)
}

func fileKey(owner, repo, ref, p string) string {
	return owner + "/" + repo + "@" + ref + ":" + strings.Trim(p, "/")
}

func (s *Server) handleMembership(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	state, ok := s.members[r.PathValue("org")+"/"+r.PathValue("slug")+"/"+r.PathValue("user")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": state, "role": "member"})
}

// handleContents serves a file (base64, wrapped like GitHub's) or lists
// a directory.
func (s *Server) handleContents(w http.ResponseWriter, r *http.Request) {
	owner, repo, p := r.PathValue("owner"), r.PathValue("repo"), strings.Trim(r.PathValue("path"), "/")
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		ref = DefaultBranch
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.files[fileKey(owner, repo, ref, p)]; ok {
		writeJSON(w, http.StatusOK, map[string]any{
			"type": "file", "name": path.Base(p), "path": p, "size": len(b),
			"encoding": "base64", "content": wrap(base64.StdEncoding.EncodeToString(b), 60),
		})
		return
	}
	dir := fileKey(owner, repo, ref, p) + "/"
	var entries []map[string]any
	for k := range s.files {
		if rest, ok := strings.CutPrefix(k, dir); ok && !strings.Contains(rest, "/") {
			entries = append(entries, map[string]any{"type": "file", "name": rest, "path": p + "/" + rest})
		}
	}
	if entries == nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i]["name"].(string) < entries[j]["name"].(string) })
	writeJSON(w, http.StatusOK, entries)
}

func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n])
		b.WriteByte('\n')
		s = s[n:]
	}
	b.WriteString(s)
	b.WriteByte('\n')
	return b.String()
}
