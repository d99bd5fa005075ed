package dormantreactivation_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/dormantreactivation"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", dormantreactivation.Detector) }
