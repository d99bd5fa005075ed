package firsttouchsensitive_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/firsttouchsensitive"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", firsttouchsensitive.Detector) }
