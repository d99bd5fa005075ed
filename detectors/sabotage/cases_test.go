package sabotage_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/sabotage"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", sabotage.Detector) }

func BenchmarkSabotage(b *testing.B) {
	detectortest.BenchmarkSource(b, sabotage.Detector, "sabotage")
}
