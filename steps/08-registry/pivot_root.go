package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// oldRoot is a descriptor of the host's root directory, opened before
// pivot_root and held until detachOldRoot: the only way back to the host's
// tree once the rootfs is /, and the handle that unmounts it.
var oldRoot *os.File

// pivotRoot makes rootfs the root of the container's mount namespace.
//
// chroot only changes where path lookups start, and every host mount stays in
// the namespace (step 1's escape climbs back to them). pivot_root(2) moves the
// namespace's root mount itself: rootfs becomes /, and the old root is put
// where detachOldRoot unmounts it for good.
func pivotRoot(rootfs string) error {
	explain(`open("/", O_DIRECTORY|O_PATH) = oldroot`)
	old, err := os.OpenFile("/", unix.O_DIRECTORY|unix.O_PATH, 0)
	if err != nil {
		return err
	}
	oldRoot = old
	// new_root must be a mount point. A bind mount of rootfs onto itself
	// makes it one, whatever filesystem it lives on.
	if err := mount(rootfs, rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	explain("chdir(%q)", rootfs)
	if err := os.Chdir(rootfs); err != nil {
		return err
	}
	// put_old may be new_root itself: the old root is then stacked on top
	// of the new one, at /, and no directory is made in the rootfs (which
	// may be read-only, or shared with other containers).
	// EINVAL here usually means a shared mount: pivot_root refuses to move
	// mounts that propagate to other namespaces. makeMountsPrivate ran first.
	explain(`pivot_root(".", ".")`)
	if err := unix.PivotRoot(".", "."); err != nil {
		return &os.PathError{Op: "pivot_root", Path: rootfs, Err: err}
	}
	return nil
}

// detachOldRoot unmounts the host's root from the container. Every host
// mount (/proc, /sys, /home...) sits below it, so a plain umount fails with
// EBUSY; MNT_DETACH takes the whole tree out of the namespace at once, and
// the kernel frees each mount when nothing uses it any more. The old root is
// named by the directory held open since before the pivot: "/" now leads to
// the new root.
func detachOldRoot() error {
	defer oldRoot.Close()
	explain("fchdir(oldroot)")
	if err := unix.Fchdir(int(oldRoot.Fd())); err != nil {
		return os.NewSyscallError("fchdir(oldroot)", err)
	}
	explain(`umount2(".", MNT_DETACH)`)
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return &os.PathError{Op: "unmount old root", Path: ".", Err: err}
	}
	explain(`chdir("/")`)
	return os.Chdir("/")
}
