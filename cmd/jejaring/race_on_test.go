//go:build race

package main

// raceDetector is true in a -race build (CI): tests whose point is a big
// input run a smaller one there, where the detector makes every line cost
// ten times as much; `go test ./...` and the benchmarks run the full size.
const raceDetector = true
