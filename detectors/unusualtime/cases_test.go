package unusualtime_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/unusualtime"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", unusualtime.Detector) }
