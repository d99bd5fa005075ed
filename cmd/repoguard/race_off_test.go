//go:build !race

package main

// raceEnabled: the race detector changes what code allocates, so the
// tests that measure allocations skip their bounds.
const raceEnabled = false
