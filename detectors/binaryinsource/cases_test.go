package binaryinsource_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/binaryinsource"
	"github.com/repoguard/repoguard/detectors/detectortest"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", binaryinsource.Detector) }
