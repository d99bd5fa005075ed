package networkendpoint_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/networkendpoint"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", networkendpoint.Detector) }
