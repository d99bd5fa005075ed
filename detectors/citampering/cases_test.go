package citampering_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/citampering"
	"github.com/repoguard/repoguard/detectors/detectortest"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", citampering.Detector) }
