package main

import (
	"fmt"
	"os"
	"strings"
)

// explaining is set by --explain: each kernel operation is narrated on stderr as
// it is made, so the learner sees the mechanism and not just the result. Every
// step adds its own lines by calling explain next to the operation.
var explaining bool

// role says who makes the operation. Until step 2 it is always the runtime.
var role = "runtime"

// explain prints one narration line, e.g. "[runtime] wait4(4242) = exit status 0".
func explain(format string, args ...any) {
	if explaining {
		fmt.Fprintf(os.Stderr, "[%s] %s\n", role, fmt.Sprintf(format, args...))
	}
}

// bitName names one bit of a flags argument, as its man page spells it.
type bitName struct {
	bit  uintptr
	name string
}

// bitNames spells the bits set in flags for --explain, e.g.
// "CLONE_NEWUTS|CLONE_NEWPID", or "0" when none is.
func bitNames(flags uintptr, names []bitName) string {
	var set []string
	for _, n := range names {
		if flags&n.bit != 0 {
			set = append(set, n.name)
		}
	}
	if len(set) == 0 {
		return "0"
	}
	return strings.Join(set, "|")
}
