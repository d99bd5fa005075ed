package newauthorsensitive_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/newauthorsensitive"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", newauthorsensitive.Detector) }
