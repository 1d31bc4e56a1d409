//go:build race

package web_test

// raceEnabled: the race detector slows requests ~10×; long campaigns
// send fewer requests under it.
const raceEnabled = true
