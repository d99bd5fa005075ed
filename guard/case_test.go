package guard

import (
	"math"
	"reflect"
	"testing"
)

func TestSummarize(t *testing.T) {
	pending := &Release{Kind: "dismiss", By: "carol"}
	tests := []struct {
		name string
		as   []Anomaly
		want CaseSummary
	}{
		{"empty", nil, CaseSummary{Status: StatusOpen, BySeverity: map[Severity]int{}}},
		{"open while any is open", []Anomaly{
			{Detector: "odd-hours", Severity: Medium, Status: StatusDismissed},
			{Detector: "key-material", Severity: Critical, Status: StatusOpen, Release: pending},
			{Detector: "odd-hours", Severity: Low, Status: StatusAcknowledged},
		}, CaseSummary{Status: StatusOpen, Findings: 3, Severity: Critical, Pending: 1,
			BySeverity: map[Severity]int{Critical: 1, Medium: 1, Low: 1},
			Detectors:  []string{"key-material", "odd-hours"}}},
		{"the least advanced status", []Anomaly{
			{Detector: "b", Severity: High, Status: StatusResolved},
			{Detector: "a", Severity: High, Status: StatusConfirmed},
			{Detector: "c", Severity: High, Status: StatusConfirmed},
		}, CaseSummary{Status: StatusConfirmed, Findings: 3, Severity: High,
			BySeverity: map[Severity]int{High: 3}, Detectors: []string{"a", "b", "c"}}},
		{"more frequent detectors first at one severity", []Anomaly{
			{Detector: "a", Severity: High, Status: StatusOpen},
			{Detector: "b", Severity: High, Status: StatusOpen},
			{Detector: "b", Severity: Medium, Status: StatusOpen},
		}, CaseSummary{Status: StatusOpen, Findings: 3, Severity: High,
			BySeverity: map[Severity]int{High: 2, Medium: 1}, Detectors: []string{"b", "a"}}},
		{"suppressed ones do not count", []Anomaly{
			{Detector: "a", Severity: Critical, Status: StatusOpen, Suppressed: true},
			{Detector: "b", Severity: Low, Status: StatusResolved},
		}, CaseSummary{Status: StatusResolved, Findings: 1, Severity: Low,
			BySeverity: map[Severity]int{Low: 1}, Detectors: []string{"b"}}},
		{"all suppressed", []Anomaly{
			{Detector: "a", Severity: High, Status: StatusOpen, Suppressed: true},
		}, CaseSummary{Status: StatusOpen, Findings: 1, Severity: High, Suppressed: true,
			BySeverity: map[Severity]int{High: 1}, Detectors: []string{"a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summarize(tt.as); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Summarize = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCaseKey(t *testing.T) {
	if CaseKey("acme/vault", "abc", 7) != CaseKey("acme/vault", "def", 7) {
		t.Error("the commits of one pull request should share its case")
	}
	if CaseKey("acme/vault", "abc", 0) == CaseKey("acme/vault", "def", 0) {
		t.Error("two commits without a pull request must not share a case")
	}
	if CaseKey("acme/vault", "abc", 7) == CaseKey("acme/vault", "abc", 0) {
		t.Error("a pull request's case and its head commit's must differ")
	}
}

func TestAllows(t *testing.T) {
	tests := []struct {
		status  AnomalyStatus
		release bool
		want    []string
	}{
		{StatusOpen, false, []string{"ack", "confirm", "dismiss", "resolve", "assign", "comment"}},
		{StatusOpen, true, []string{"ack", "confirm", "dismiss", "resolve", "reopen", "assign", "comment"}},
		{StatusAcknowledged, false, []string{"confirm", "dismiss", "resolve", "reopen", "assign", "comment"}},
		{StatusConfirmed, false, []string{"resolve", "reopen", "assign", "comment"}},
		{StatusDismissed, false, []string{"reopen", "comment"}},
		{StatusResolved, false, []string{"reopen", "comment"}},
	}
	for _, tt := range tests {
		a := &Anomaly{Status: tt.status}
		if tt.release {
			a.Release = &Release{Kind: "dismiss"}
		}
		var got []string
		for _, k := range []string{"ack", "confirm", "dismiss", "resolve", "reopen", "assign", "comment", "delete"} {
			if a.Allows(k) {
				got = append(got, k)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s (release %v) allows %v, want %v", tt.status, tt.release, got, tt.want)
		}
	}
}

func TestAnomalyRisk(t *testing.T) {
	as := []Anomaly{{Severity: Critical, Score: 1}, {Severity: Medium}}
	want := Risk([]Finding{{Severity: Critical, Score: 1}, {Severity: Medium}})
	if got := AnomalyRisk(as); math.Abs(got-want) > 1e-9 || got < 95 {
		t.Errorf("AnomalyRisk = %v, want %v", got, want)
	}
}
