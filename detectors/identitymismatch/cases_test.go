package identitymismatch_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/identitymismatch"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", identitymismatch.Detector) }
