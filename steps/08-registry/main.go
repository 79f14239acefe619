// Command stepN is one step of a container runtime built from scratch, one
// kernel feature at a time. Read it beside docs/ in the workshop repository:
// main.go and cli.go are the command line, run.go starts the container, and
// each other file holds one idea.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// A closed stderr (say, a pipe whose reader left) must not kill the
	// runtime half way through a teardown. Caught, SIGPIPE turns the write
	// into an EPIPE error; a handler, unlike SIG_IGN, does not outlive
	// execve, so the container's command still dies of it as programs expect.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	if err := closeInheritedFiles(); err != nil {
		os.Exit(fail(err))
	}
	// The runtime re-executes itself as the container's init (see init.go),
	// and as its sentinel (sentinel.go). Neither takes orders from its
	// command line: each checks that the runtime started it, and init reads
	// what to do from a pipe.
	if len(os.Args) == 2 {
		switch os.Args[1] {
		case "init":
			os.Exit(containerInit())
		case "sentinel":
			os.Exit(sentinel())
		}
	}
	os.Exit(cli(os.Args[1:]))
}
