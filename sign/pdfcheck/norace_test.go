//go:build !race

package pdfcheck_test

const raceEnabled = false
