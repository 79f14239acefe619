package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// enterRootfs makes rootfs the container's / with chroot, as step 1 did, but
// now from inside the container's init. Step 3 replaces it with pivot_root.
func enterRootfs(rootfs string) error {
	explain("chroot(%q)", rootfs)
	if err := unix.Chroot(rootfs); err != nil {
		return &os.PathError{Op: "chroot", Path: rootfs, Err: err}
	}
	explain(`chdir("/")`)
	return os.Chdir("/")
}
