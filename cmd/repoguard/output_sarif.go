package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// sarifReporter writes SARIF 2.1.0 as GitHub code scanning reads it (see
// the README's "SARIF for code scanning"):
//
//   - one rule per detector and severity ("key-material/critical"), since
//     code scanning ranks an alert by its rule's security-severity only;
//   - one result per finding, located at line 1 of its file when the
//     finding is about the whole file, and at the first file of its
//     commit that is still there when it is about the whole commit;
//   - partial fingerprints of the detector, commit, path and evidence
//     (not the line), numbered when a commit repeats one, so that alerts
//     stay put across runs and two findings never share one;
//   - paths as they are at the scanned tip: a finding in a file deleted
//     or renamed since is a result on its last path with a note when it
//     is high or critical (a key stays in the history), else it is only
//     counted in a notification of the run (text and JSON list it).
//
// Results stream as the scan goes; the tool and its rules, which are the
// ones the results used, follow them.
type sarifReporter struct {
	ctx  context.Context
	w    io.Writer
	job  *scanJob
	tip  *tipFiles
	used sarifRules
	// seen numbers the findings that share an identity.
	seen map[string]int
	n    int
	left leftOut
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
	EndLine   int `json:"endLine,omitempty"`
}

// srcRoot is the base of the results' relative paths: the repository's
// top.
const srcRoot = "%SRCROOT%"

// goneNote ends the message of a result whose file is no longer at its
// path at the scanned tip.
const goneNote = " The file is no longer at this path at the scanned tip (deleted or renamed since); " +
	"the finding stays in the history."

// sarifLevelOf maps a severity to SARIF's three levels.
func sarifLevelOf(s guard.Severity) string {
	switch {
	case s >= guard.High:
		return "error"
	case s >= guard.Medium:
		return "warning"
	default:
		return "note"
	}
}

// securitySeverity is the CVSS-like score code scanning shows as an
// alert's severity (critical over 9.0, high from 7.0, medium from 4.0,
// low from 0.1).
func securitySeverity(s guard.Severity) string {
	return [...]string{"0.0", "1.0", "2.0", "5.0", "7.5", "9.5"}[s]
}

func (r *sarifReporter) commit(c *guard.Commit, fs []guard.Finding, risk float64) error {
	if err := r.start(); err != nil {
		return err
	}
	for _, f := range fs {
		res, ok, err := r.result(c, f, risk)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := r.write(res); err != nil {
			return err
		}
	}
	return nil
}

// result turns a finding of commit c into a result; ok is false when it
// is left out (see sarifReporter), and counted.
func (r *sarifReporter) result(c *guard.Commit, f guard.Finding, risk float64) (res sarifResult, ok bool, err error) {
	path, gone, err := r.placeOf(c, f)
	if err != nil || !r.left.keep(f, path, gone) {
		return res, false, err
	}
	msg := f.Message + " (commit " + c.ShortHash() + " by " + c.Author.Name + ")"
	props := map[string]any{
		"commit": c.Hash, "author": c.Author.Email, "severity": f.Severity.String(), "score": math.Round(f.Score*100) / 100,
		"security-severity": securitySeverity(f.Severity), "commit_risk": math.Round(risk*10) / 10,
	}
	if gone {
		msg += goneNote
		props["gone_at_tip"] = true
	}
	region := sarifRegion{StartLine: max(f.Line, 1)}
	if f.Line > 0 && f.EndLine > f.Line {
		region.EndLine = f.EndLine
	}
	id := r.used.add(f.Detector, f.Severity)
	return sarifResult{
		RuleID: id, RuleIndex: r.used.index[id], Level: sarifLevelOf(f.Severity), Message: sarifText{Text: msg},
		Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: path, URIBaseID: srcRoot}, Region: region,
		}}},
		PartialFingerprints: r.fingerprints(c, f),
		Properties:          props,
	}, true, nil
}

// placeOf returns the file a finding of c is reported at, and whether it
// is gone from the scanned tip: the finding's own file, else (a finding
// about the whole commit) the commit's first file still at the tip, else
// its first file; "" when the commit changed none.
func (r *sarifReporter) placeOf(c *guard.Commit, f guard.Finding) (path string, gone bool, err error) {
	if f.Path != "" {
		at, err := r.tip.has(r.ctx, f.Path)
		return f.Path, !at, err
	}
	for i := range c.Files {
		at, err := r.tip.has(r.ctx, c.Files[i].Path)
		if err != nil || at {
			return c.Files[i].Path, false, err
		}
	}
	if len(c.Files) == 0 {
		return "", false, nil
	}
	return c.Files[0].Path, true, nil
}

// fingerprints identifies a finding across runs: its detector, commit,
// path and evidence (or message), not its line, numbered when the same
// commit has it more than once. "primaryLocationLineHash" is the one
// code scanning uses; given, upload-sarif does not compute its own from
// the file at the tip, which a finding in history need not match.
func (r *sarifReporter) fingerprints(c *guard.Commit, f guard.Finding) map[string]string {
	what := f.Message
	if len(f.Evidence) > 0 {
		what = strings.Join(f.Evidence, "\n")
	}
	id := fingerprint(f.Detector, c.Hash, f.Path, what)
	r.seen[id]++
	n := r.seen[id]
	return map[string]string{
		"repoguard/v1":            fingerprint(id, fmt.Sprint(n)),
		"primaryLocationLineHash": fmt.Sprintf("%s:%d", id[:16], n),
	}
}

func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// start writes the head of the document, up to the opening of the
// results.
func (r *sarifReporter) start() error {
	if r.seen != nil {
		return nil
	}
	r.seen = map[string]int{}
	r.used = sarifRules{index: map[string]int{}}
	r.tip = newTipFiles(r.job.repo, r.job.at)
	_, err := io.WriteString(r.w, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"+
		"  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"results\": [")
	return err
}

// write streams one result.
func (r *sarifReporter) write(res sarifResult) error {
	b, err := json.MarshalIndent(res, "        ", "  ")
	if err != nil {
		return err
	}
	sep := ",\n        "
	if r.n == 0 {
		sep = "\n        "
	}
	r.n++
	_, err = fmt.Fprintf(r.w, "%s%s", sep, b)
	return err
}

// sarifRunTail is what follows the results in the run.
type sarifRunTail struct {
	Tool               sarifTool                    `json:"tool"`
	Invocations        []sarifInvocation            `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactBase `json:"originalUriBaseIds"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifArtifactBase struct {
	URI string `json:"uri"`
}

func (r *sarifReporter) finish(*scanSummary) error {
	if err := r.start(); err != nil {
		return err
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	if msg := r.left.note(); msg != "" {
		inv.Notifications = []sarifNotification{{Level: "note", Message: sarifText{Text: msg}}}
	}
	tail, err := json.MarshalIndent(sarifRunTail{
		Tool: sarifTool{Driver: sarifDriver{Name: "repoguard", Version: versionString(),
			InformationURI: "https://github.com/repoguard/repoguard", Rules: r.used.rules()}},
		Invocations:        []sarifInvocation{inv},
		OriginalURIBaseIDs: map[string]sarifArtifactBase{srcRoot: {URI: dirURI(r.job.repo.Path())}},
	}, "    ", "  ")
	if err != nil {
		return err
	}
	end := "\n      ],\n"
	if r.n == 0 {
		end = "],\n"
	}
	// The tail's fields, without its braces, close the run.
	fields := strings.TrimSuffix(strings.TrimPrefix(string(tail), "{\n"), "\n    }")
	_, err = fmt.Fprintf(r.w, "%s%s\n    }\n  ]\n}\n", end, fields)
	return err
}
