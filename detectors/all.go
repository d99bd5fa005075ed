package detectors

import (
	"github.com/repoguard/repoguard/detectors/binaryinsource"
	"github.com/repoguard/repoguard/detectors/citampering"
	"github.com/repoguard/repoguard/detectors/dependencychange"
	"github.com/repoguard/repoguard/detectors/dependencyhandover"
	"github.com/repoguard/repoguard/detectors/dormantcore"
	"github.com/repoguard/repoguard/detectors/dormantreactivation"
	"github.com/repoguard/repoguard/detectors/featureprobe"
	"github.com/repoguard/repoguard/detectors/firsttouchsensitive"
	"github.com/repoguard/repoguard/detectors/identitymismatch"
	"github.com/repoguard/repoguard/detectors/ignorerules"
	"github.com/repoguard/repoguard/detectors/keymaterial"
	"github.com/repoguard/repoguard/detectors/networkendpoint"
	"github.com/repoguard/repoguard/detectors/newauthorsensitive"
	"github.com/repoguard/repoguard/detectors/newcomersigning"
	"github.com/repoguard/repoguard/detectors/obfuscation"
	"github.com/repoguard/repoguard/detectors/sabotage"
	"github.com/repoguard/repoguard/detectors/sensitivepath"
	"github.com/repoguard/repoguard/detectors/sizeoutlier"
	"github.com/repoguard/repoguard/detectors/timezonechange"
	"github.com/repoguard/repoguard/detectors/unusualtime"
	"github.com/repoguard/repoguard/guard"
)

// All returns every detector, sorted by name: one line per detector.
func All() []*guard.Detector {
	return []*guard.Detector{
		binaryinsource.Detector,
		citampering.Detector,
		dependencychange.Detector,
		dependencyhandover.Detector,
		dormantcore.Detector,
		dormantreactivation.Detector,
		featureprobe.Detector,
		firsttouchsensitive.Detector,
		identitymismatch.Detector,
		ignorerules.Detector,
		keymaterial.Detector,
		networkendpoint.Detector,
		newauthorsensitive.Detector,
		newcomersigning.Detector,
		obfuscation.Detector,
		sabotage.Detector,
		sensitivepath.Detector,
		sizeoutlier.Detector,
		timezonechange.Detector,
		unusualtime.Detector,
	}
}
