//go:build race

package gitrepo

// raceEnabled: the race detector changes what code allocates and costs,
// so the tests that measure either skip their bounds.
const raceEnabled = true
