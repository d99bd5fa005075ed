package obfuscation_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/obfuscation"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", obfuscation.Detector) }
