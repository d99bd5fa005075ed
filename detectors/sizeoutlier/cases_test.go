package sizeoutlier_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/sizeoutlier"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", sizeoutlier.Detector) }
