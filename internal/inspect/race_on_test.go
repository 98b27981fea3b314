//go:build race

package inspect

// raceEnabled lets the slowest size tests skip under the race detector,
// which makes the engine about ten times slower.
const raceEnabled = true
