//@ file steps 3-

package main

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// oldRoot is where pivot_root puts the host's root, until it is detached:
// a directory of a unique name, made in the rootfs, because containers that
// share a rootfs would otherwise unmount and remove each other's.
var oldRoot string

//@ doc pivotRoot

// pivotRoot makes rootfs the root of the container's mount namespace.
//
// chroot only changes where path lookups start, and every host mount stays in
// the namespace (step 1's escape climbs back to them). pivot_root(2) moves the
// namespace's root mount itself: rootfs becomes /, and the old root moves to a
// directory below it, from where detachOldRoot unmounts it for good.
func pivotRoot(rootfs string) error {
	// new_root must be a mount point. A bind mount of rootfs onto itself
	// makes it one, whatever filesystem it lives on.
	explain(`mount(%q, %q, "", MS_BIND|MS_REC)`, rootfs, rootfs)
	if err := unix.Mount(rootfs, rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return &os.PathError{Op: "bind mount", Path: rootfs, Err: err}
	}
	explain("chdir(%q)", rootfs)
	if err := os.Chdir(rootfs); err != nil {
		return err
	}
	dir, err := os.MkdirTemp(".", ".oldroot-")
	if err != nil {
		return err
	}
	oldRoot = filepath.Base(dir)
	explain("mkdir(%q)", oldRoot)
	// EINVAL here usually means a shared mount: pivot_root refuses to move
	// mounts that propagate to other namespaces. makeMountsPrivate ran first.
	explain(`pivot_root(".", %q)`, oldRoot)
	if err := unix.PivotRoot(".", oldRoot); err != nil {
		return &os.PathError{Op: "pivot_root", Path: rootfs, Err: err}
	}
	explain(`chdir("/")`)
	return os.Chdir("/")
}

//@ end

//@ doc detachOldRoot

// detachOldRoot unmounts the host's root from the container. Every host
// mount (/proc, /sys, /home...) sits below it, so a plain umount fails with
// EBUSY; MNT_DETACH takes the whole tree out of the namespace at once, and
// the kernel frees each mount when nothing uses it any more.
func detachOldRoot() error {
	explain(`umount2("/%s", MNT_DETACH)`, oldRoot)
	if err := unix.Unmount("/"+oldRoot, unix.MNT_DETACH); err != nil {
		return &os.PathError{Op: "unmount old root", Path: "/" + oldRoot, Err: err}
	}
	explain(`rmdir("/%s")`, oldRoot)
	return os.Remove("/" + oldRoot)
}

//@ end
