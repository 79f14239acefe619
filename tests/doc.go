// Package tests is the cumulative property suite of the workshop.
//
// Each property names the step that introduces it. "make check-N" runs the
// properties of steps 0..N against one binary (bin/stepN, or any binary that
// keeps the command-line contract, given as BIN=path), so a learner can check
// their own runtime and step N failing a property of an earlier step is a
// regression. Properties run on the real kernel, as root: real processes,
// mounts and files. One that cannot run here skips with its reason, and fails
// when CI is set: CI never passes by skipping.
//
// Files: suite_test.go (the registry and the runner), runtime_test.go (driving
// the binary), host_test.go (what the host looks like, to prove nothing is left
// behind), contract_test.go (every name the suite relies on, which CONTRACT.md
// shows), stepN_test.go (the properties of step N).
package tests
