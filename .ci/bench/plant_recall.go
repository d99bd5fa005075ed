package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// label is one planted commit of a labels file.
type label struct{ hash, class, desc string }

var (
	hashRE    = regexp.MustCompile(`^[0-9a-f]{40}$`)
	skippedRE = regexp.MustCompile(`^#\s*skipped\s+(\S+)\s*(\([^)]*\))?:\s*(.*)$`)
)

// readLabels reads a labels file.
func readLabels(file string) ([]label, map[string]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return parseLabels(f, file)
}

// parseLabels parses a labels file: "<sha> <class> <description>" lines
// and "#" comments, of which "# skipped CLASS (...): why" are kept.
func parseLabels(r io.Reader, name string) ([]label, map[string]string, error) {
	var ls []label
	skipped := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if m := skippedRE.FindStringSubmatch(line); m != nil {
			skipped[m[1]] = strings.TrimSpace(m[2] + " " + m[3])
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, " ", 3)
		if len(f) < 2 || !hashRE.MatchString(f[0]) || f[1] == "" {
			return nil, nil, fmt.Errorf("%s:%d: want \"<sha> <class> <description>\", got %.60q", name, n, line)
		}
		l := label{hash: f[0], class: f[1]}
		if len(f) == 3 {
			l.desc = f[2]
		}
		ls = append(ls, l)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return ls, skipped, nil
}

// checkLabelled makes sure that every labelled commit is in the history
// of HEAD, which is what the scan reads.
func checkLabelled(g gitRepo, labels []label) error {
	out, err := g.text("rev-list", "HEAD")
	if err != nil {
		return err
	}
	in := map[string]bool{}
	for _, h := range strings.Split(out, "\n") {
		in[h] = true
	}
	for _, l := range labels {
		if !in[l.hash] {
			return fmt.Errorf("labelled commit %s (%s) is not in the history of HEAD of %s", l.hash, l.class, g.dir)
		}
	}
	return nil
}

// scanCommit is what recall reads of a commit in repoguard's JSON output.
type scanCommit struct {
	Hash     string `json:"hash"`
	Findings []struct {
		Detector string `json:"detector"`
		Severity string `json:"severity"`
	} `json:"findings"`
}

// atLeastMedium reports whether a severity name is medium or above.
func atLeastMedium(s string) bool { return s == "medium" || s == "high" || s == "critical" }

// detectorCount counts one detector's findings over a scan.
type detectorCount struct {
	Findings   int `json:"findings"`
	MediumPlus int `json:"medium_plus"`
}

// plantResult is whether one planted commit was caught.
type plantResult struct {
	Hash      string   `json:"hash"`
	Desc      string   `json:"desc"`
	Caught    bool     `json:"caught"`
	Detectors []string `json:"detectors,omitempty"` // those at medium or above
}

// classResult is the recall of one class.
type classResult struct {
	Class     string         `json:"class"`
	Planted   int            `json:"planted"`
	Caught    int            `json:"caught"`
	Detectors map[string]int `json:"detectors"` // planted commits each caught
	Commits   []plantResult  `json:"commits"`
}

// recallReport is the outcome of one recall measurement.
type recallReport struct {
	Repository      string                    `json:"repository"`
	ScanSeconds     float64                   `json:"scan_seconds"`
	Commits         int                       `json:"commits"`
	Planted         int                       `json:"planted"`
	Ordinary        int                       `json:"ordinary"`
	OrdinaryFlagged int                       `json:"ordinary_flagged"`
	Detectors       map[string]*detectorCount `json:"detectors"`
	Classes         []*classResult            `json:"classes"`
	Skipped         map[string]string         `json:"skipped,omitempty"`
}

func recallMain(stdout, stderr io.Writer, bin, repo, labelsFile string, asJSON bool) error {
	labels, skipped, err := readLabels(labelsFile)
	if err != nil {
		return err
	}
	if err := checkLabelled(gitRepo{repo}, labels); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "plant-recall-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(bin, "scan", "--format", "json", "--fail-on", "none", "--progress=false",
		"--db", filepath.Join(tmp, "scan.db"), repo)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", bin, err)
	}
	rep, perr := scoreScan(out, labels)
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("%s scan %s: %w: %s", bin, repo, err, firstLine(errOut.String()))
	}
	if perr != nil {
		return fmt.Errorf("reading the scan of %s: %w", repo, perr)
	}
	rep.Repository, rep.Skipped = strings.TrimSuffix(filepath.Base(filepath.Clean(repo)), ".git"), skipped
	rep.ScanSeconds = time.Since(start).Round(100 * time.Millisecond).Seconds()
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printRecall(stdout, rep)
	return nil
}

// scoreScan reads repoguard's JSON output and scores the planted commits.
func scoreScan(r io.Reader, labels []label) (*recallReport, error) {
	byHash := map[string]*label{}
	rep := &recallReport{Detectors: map[string]*detectorCount{}}
	classOf := map[string]*classResult{}
	for i := range labels {
		l := &labels[i]
		byHash[l.hash] = l
		if classOf[l.class] == nil {
			classOf[l.class] = &classResult{Class: l.class, Detectors: map[string]int{}}
			rep.Classes = append(rep.Classes, classOf[l.class])
		}
		classOf[l.class].Planted++
	}
	seen := map[string]bool{}
	flagged := 0
	dec := json.NewDecoder(r)
	err := walkScan(dec, &rep.Commits, func(c scanCommit) {
		seen[c.Hash] = true
		det := map[string]bool{}
		for _, f := range c.Findings {
			d := rep.Detectors[f.Detector]
			if d == nil {
				d = &detectorCount{}
				rep.Detectors[f.Detector] = d
			}
			d.Findings++
			if atLeastMedium(f.Severity) {
				d.MediumPlus++
				det[f.Detector] = true
			}
		}
		l := byHash[c.Hash]
		if l == nil {
			if len(det) > 0 {
				flagged++
			}
			return
		}
		cr := classOf[l.class]
		pr := plantResult{Hash: c.Hash, Desc: l.desc, Caught: len(det) > 0, Detectors: sortedKeys(det)}
		if pr.Caught {
			cr.Caught++
		}
		for d := range det {
			cr.Detectors[d]++
		}
		cr.Commits = append(cr.Commits, pr)
	})
	if err != nil {
		return nil, err
	}
	for _, l := range labels { // a commit without findings is not in the results
		if !seen[l.hash] {
			classOf[l.class].Commits = append(classOf[l.class].Commits, plantResult{Hash: l.hash, Desc: l.desc})
		}
	}
	rep.Planted = len(labels)
	rep.Ordinary = rep.Commits - rep.Planted
	rep.OrdinaryFlagged = flagged
	sort.Slice(rep.Classes, func(i, j int) bool { return classRank(rep.Classes[i].Class) < classRank(rep.Classes[j].Class) })
	return rep, nil
}

// walkScan streams the document of repoguard scan --format json, calling
// each for every commit of "results" and setting commits from
// "commits_scanned".
func walkScan(dec *json.Decoder, commits *int, each func(scanCommit)) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("not a JSON object (%v)", err)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case "results":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return fmt.Errorf("results is not an array (%v)", err)
			}
			for dec.More() {
				var c scanCommit
				if err := dec.Decode(&c); err != nil {
					return err
				}
				each(c)
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
		case "commits_scanned":
			if err := dec.Decode(commits); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// classRank orders classes as the class list does, unknown ones last.
func classRank(name string) int {
	for i, c := range classes {
		if c.name == name {
			return i
		}
	}
	return len(classes)
}

func pct(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(d))
}

// caughtBy writes "detector ×n" for the detectors that caught a class.
func caughtBy(m map[string]int) string {
	ks := sortedKeys(m)
	sort.SliceStable(ks, func(i, j int) bool { return m[ks[i]] > m[ks[j]] })
	var parts []string
	for _, k := range ks {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func printRecall(w io.Writer, rep *recallReport) {
	fmt.Fprintf(w, "%s: %d commits scanned in %.0f s; ordinary commits flagged at medium or above: %d of %d (%s)\n\n",
		rep.Repository, rep.Commits, rep.ScanSeconds, rep.OrdinaryFlagged, rep.Ordinary, pct(rep.OrdinaryFlagged, rep.Ordinary))
	fmt.Fprintf(w, "%-24s %7s %6s %6s  %s\n", "class", "planted", "caught", "recall", "caught by (medium or above)")
	caught := 0
	for _, c := range rep.Classes {
		caught += c.Caught
		fmt.Fprintf(w, "%-24s %7d %6d %6s  %s\n", c.Class, c.Planted, c.Caught, pct(c.Caught, c.Planted), caughtBy(c.Detectors))
	}
	fmt.Fprintf(w, "%-24s %7d %6d %6s\n", "all", rep.Planted, caught, pct(caught, rep.Planted))
	for _, c := range rep.Classes {
		for _, p := range c.Commits {
			if !p.Caught {
				fmt.Fprintf(w, "missed %s %s %s\n", p.Hash[:10], c.Class, p.Desc)
			}
		}
	}
	for _, k := range sortedKeys(rep.Skipped) {
		fmt.Fprintf(w, "skipped %s: %s\n", k, rep.Skipped[k])
	}
}
