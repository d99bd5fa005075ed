package timezonechange_test

import (
	"testing"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/detectors/timezonechange"
)

func TestCases(t *testing.T) { detectortest.Run(t, "testdata", timezonechange.Detector) }
