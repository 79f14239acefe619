package main

import (
	"math"
	"os"

	"golang.org/x/sys/unix"
)

// closeInheritedFiles marks every descriptor but stdin, stdout and stderr
// close-on-exec. The runtime inherits whatever its caller left open (a
// shell's "exec 7</" is a descriptor of the host's /), and execve passes
// every descriptor without that flag on to the container, where
// /proc/self/fd/7 leads straight back out (the runc CVE-2024-21626 class).
// Go opens its own files close-on-exec; this covers the inherited ones.
func closeInheritedFiles() error {
	if err := unix.CloseRange(3, math.MaxUint32, unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return os.NewSyscallError("close_range(3, ~0, CLOSE_RANGE_CLOEXEC) (Linux 5.11 or later)", err)
	}
	return nil
}
