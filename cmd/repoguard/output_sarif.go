package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/repoguard/repoguard/detectors"
	"github.com/repoguard/repoguard/guard"
)

// sarifReporter writes SARIF 2.1.0 as GitHub code scanning accepts it:
// one rule per detector (rule id = detector name), one result per finding
// with a location, and partial fingerprints so alerts track across runs.
type sarifReporter struct {
	w     io.Writer
	job   *scanJob
	index map[string]int // rule index by detector name; nil until started
	n     int
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

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration sarifLevel     `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifLevel struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
	EndLine   int `json:"endLine,omitempty"`
}

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

// securitySeverity is the CVSS-like score GitHub shows as the alert's
// severity (critical >= 9, high >= 7, medium >= 4, low > 0).
func securitySeverity(s guard.Severity) string {
	return [...]string{"0.0", "1.0", "2.0", "5.0", "7.5", "9.5"}[s]
}

func (r *sarifReporter) commit(c *guard.Commit, fs []guard.Finding, risk float64) error {
	for _, f := range fs {
		res := sarifResult{
			RuleID:  f.Detector,
			Level:   sarifLevelOf(f.Severity),
			Message: sarifText{Text: f.Message + " (commit " + c.ShortHash() + " by " + c.Author.Name + ")"},
			PartialFingerprints: map[string]string{
				"repoguard/v1": fingerprint(f.Detector, c.Hash, f.Path, f.Message),
			},
			Properties: map[string]any{
				"commit": c.Hash, "author": c.Author.Email, "severity": f.Severity.String(), "score": f.Score,
				"commit_risk": math.Round(risk*10) / 10,
			},
		}
		path := f.Path
		if path == "" && len(c.Files) > 0 {
			path = c.Files[0].Path
		}
		if path != "" {
			loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: path, URIBaseID: "%SRCROOT%"}}}
			if f.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line}
				if f.EndLine > f.Line {
					loc.PhysicalLocation.Region.EndLine = f.EndLine
				}
			}
			res.Locations = []sarifLocation{loc}
		}
		if err := r.write(res); err != nil {
			return err
		}
	}
	return nil
}

// write streams one result, starting the document first when needed.
func (r *sarifReporter) write(res sarifResult) error {
	if err := r.start(); err != nil {
		return err
	}
	res.RuleIndex = r.index[res.RuleID]
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

func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// start writes the head of the document: the tool with one rule per
// detector, and the opening of the results array.
func (r *sarifReporter) start() error {
	if r.index != nil {
		return nil
	}
	all := detectors.All()
	r.index = map[string]int{}
	rules := make([]sarifRule, 0, len(all))
	for i, d := range all {
		r.index[d.Name] = i
		rules = append(rules, sarifRule{
			ID: d.Name, Name: d.Name,
			ShortDescription:     sarifText{Text: d.Name},
			FullDescription:      sarifText{Text: d.Doc},
			Help:                 sarifText{Text: d.Doc},
			DefaultConfiguration: sarifLevel{Level: sarifLevelOf(d.Severity)},
			Properties: map[string]any{
				"tags": []string{"security", "insider-threat"}, "security-severity": securitySeverity(d.Severity),
			},
		})
	}
	tool, err := json.MarshalIndent(sarifTool{Driver: sarifDriver{
		Name: "repoguard", Version: versionString(), InformationURI: "https://github.com/repoguard/repoguard", Rules: rules,
	}}, "      ", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(r.w, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n"+
		"  \"runs\": [\n    {\n      \"tool\": %s,\n      \"results\": [", tool)
	return err
}

func (r *sarifReporter) finish(*scanSummary) error {
	if err := r.start(); err != nil {
		return err
	}
	end := "\n      ]\n    }\n  ]\n}\n"
	if r.n == 0 {
		end = "]\n    }\n  ]\n}\n"
	}
	_, err := io.WriteString(r.w, end)
	return err
}
