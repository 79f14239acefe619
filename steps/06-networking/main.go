// Command stepN is one step of a container runtime built from scratch, one
// kernel feature at a time. Read it beside docs/ in the workshop repository:
// main.go and cli.go are the command line, run.go starts the container, and
// each other file holds one idea.
package main

import "os"

func main() {
	// The runtime re-executes itself as the container's init (see init.go).
	// This check comes first, before anything else runs in the new process.
	if len(os.Args) > 1 && os.Args[1] == "init" {
		os.Exit(containerInit(os.Args[2:]))
	}
	os.Exit(cli(os.Args[1:]))
}
