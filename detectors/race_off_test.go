//go:build !race

package detectors

// raceEnabled: the race detector changes what code allocates and costs,
// so the tests that measure either skip their bounds.
const raceEnabled = false
