package newcomersigning_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/newcomersigning"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", newcomersigning.Detector) }
