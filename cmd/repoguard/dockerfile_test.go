package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfile: the image's bases are pinned by digest (with the tag
// they came from), it runs as a non-root user with its data in a volume,
// and its HEALTHCHECK probes /healthz with the binary itself, which has
// the subcommand.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	pinned := regexp.MustCompile(`^FROM [a-z0-9./-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}( AS \w+)?$`)
	froms := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "FROM ") {
			froms++
			if !pinned.MatchString(line) {
				t.Errorf("base image not pinned by tag@sha256 digest: %s", line)
			}
		}
		if strings.HasPrefix(line, "# syntax=") {
			t.Errorf("an unpinned Dockerfile frontend: %s", line)
		}
	}
	for _, want := range []string{
		`HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/repoguard", "health"]`,
		"USER 65532:65532", "VOLUME /data", "REPOGUARD_DATA_DIR=/data", "REPOGUARD_LISTEN=0.0.0.0:8080",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if froms != 2 {
		t.Errorf("%d FROM lines, want the build and the runtime stage", froms)
	}
	found := false
	for _, c := range commands() {
		found = found || c.name == "health"
	}
	if !found {
		t.Error("the HEALTHCHECK's subcommand does not exist")
	}
}
