package ignorerules_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/ignorerules"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", ignorerules.Detector) }
