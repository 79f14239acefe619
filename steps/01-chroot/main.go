// Command stepN is one step of a container runtime built from scratch, one
// kernel feature at a time. Read it beside docs/ in the workshop repository:
// main.go and cli.go are the command line, run.go starts the container, and
// each other file holds one idea.
package main

import (
	"os"
)

func main() {
	if err := closeInheritedFiles(); err != nil {
		os.Exit(fail(err))
	}
	os.Exit(cli(os.Args[1:]))
}
