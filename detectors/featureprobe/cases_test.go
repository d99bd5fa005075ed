package featureprobe_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/featureprobe"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", featureprobe.Detector) }
