package sensitivepath_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/sensitivepath"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", sensitivepath.Detector) }
