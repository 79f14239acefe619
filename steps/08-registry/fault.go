package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// fault is a crash on purpose, for the tests. With RUNT_FAULT=NAME in its
// environment the runtime SIGKILLs itself at the fault point of that name,
// as the OOM killer or a power cut could at any moment; the property suite
// walks every point and proves that the next run leaves nothing behind.
func fault(name string) {
	if os.Getenv("RUNT_FAULT") == name {
		_ = unix.Kill(os.Getpid(), unix.SIGKILL)
	}
}
