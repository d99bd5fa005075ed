package explain

// Clip shortens s to at most n bytes and marks the cut with "…".
func Clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
