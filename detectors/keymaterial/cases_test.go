package keymaterial_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/keymaterial"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", keymaterial.Detector) }
