package main

import (
	"fmt"
	"os"
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
