package tests

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"
)

// A property is one guarantee of the runtime, introduced by step and kept by
// every later step.
type property struct {
	step int
	name string
	test func(t *testing.T)
}

var properties []property

// prop registers a property; the step files call it from package-level vars,
// so each property reads as one declaration.
func prop(step int, name string, test func(t *testing.T)) bool {
	properties = append(properties, property{step, name, test})
	return true
}

// The binary under test and its step, set by "make check-N".
var (
	bin  = os.Getenv(envBin)
	step = -1
)

func TestProperties(t *testing.T) {
	if bin == "" || os.Getenv(envStep) == "" {
		need(t, false, "RUNT_BIN and RUNT_STEP are not set; run 'make check-N' (or 'make check-N BIN=path')")
	}
	n, err := strconv.Atoi(os.Getenv(envStep))
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a step number", envStep, os.Getenv(envStep))
	}
	step = n
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("binary under test: %v", err)
	}
	need(t, os.Geteuid() == 0, "the properties run containers on the real kernel and need root")

	sort.SliceStable(properties, func(i, j int) bool { return properties[i].step < properties[j].step })
	for _, p := range properties {
		if p.step > step {
			continue // introduced by a later step: not a property of this binary
		}
		t.Run(fmt.Sprintf("step%d/%s", p.step, p.name), p.test)
	}
}

// need stops a test that cannot run here. By hand it skips with the reason;
// under CI it fails, because CI must never pass by skipping.
func need(t *testing.T, ok bool, reason string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv(envCI) != "" {
		t.Fatalf("cannot run under CI: %s", reason)
	}
	t.Skip(reason)
}
