package dormantcore_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/dormantcore"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", dormantcore.Detector) }
