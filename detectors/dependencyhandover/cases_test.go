package dependencyhandover_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/dependencyhandover"
	"github.com/repoguard/repoguard/detectors/detectortest"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", dependencyhandover.Detector) }
