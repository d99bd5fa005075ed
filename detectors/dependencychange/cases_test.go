package dependencychange_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/dependencychange"
	"github.com/repoguard/repoguard/detectors/detectortest"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", dependencychange.Detector) }
