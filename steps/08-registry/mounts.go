package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// makeMountsPrivate stops mount events from crossing between the container's
// mount namespace and the host's. A new mount namespace starts with a copy of
// the host's mounts, and on systemd hosts / is "shared" (mount_namespaces(7)):
// a mount made under a shared mount in one namespace also appears in every
// namespace that shares it. Making every mount private first keeps our mounts
// ours, and the host's new mounts out.
func makeMountsPrivate() error {
	return mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, "")
}

// mountProc mounts a new proc filesystem at /proc. procfs shows the PID
// namespace of the process that mounts it, so ps inside lists only the
// container's processes.
func mountProc() error {
	return mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
}

// mountSys mounts sysfs read-only: programs read it to learn about the
// machine, but a write there would change the host's devices and kernel.
func mountSys() error {
	return mount("sysfs", "/sys", "sysfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
}

// mount is mount(2), narrated with its real flags, and every mount goes
// through it. A target that does not exist is made a directory first: a
// small rootfs may lack /proc or /sys. A target that is a symlink is
// followed, inside the container's root once it is /.
func mount(source, target, fstype string, flags uintptr, data string) error {
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
	}
	explain("mount(%q, %q, %q, %s, %q)", source, target, fstype, mountFlagNames(flags), data)
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		if link, lerr := os.Readlink(target); errors.Is(err, unix.ENOENT) && lerr == nil {
			return fmt.Errorf("mount %s on %s: %s is a link to %s, which leads to no directory; the rootfs needs one there", fstype, target, target, link)
		}
		return &os.PathError{Op: mountOp(fstype, flags), Path: target, Err: err}
	}
	return nil
}

// mountOp names a mount in an error: "mount proc", "bind mount", "remount".
func mountOp(fstype string, flags uintptr) string {
	switch {
	case flags&unix.MS_REMOUNT != 0:
		return "remount"
	case flags&unix.MS_BIND != 0:
		return "bind mount"
	case fstype == "":
		return "mount " + mountFlagNames(flags)
	}
	return "mount " + fstype
}

// mountFlagNames spells mount flags the way mount(2) does, for --explain.
func mountFlagNames(flags uintptr) string {
	return bitNames(flags, []bitName{
		{unix.MS_REMOUNT, "MS_REMOUNT"},
		{unix.MS_BIND, "MS_BIND"},
		{unix.MS_REC, "MS_REC"},
		{unix.MS_PRIVATE, "MS_PRIVATE"},
		{unix.MS_RDONLY, "MS_RDONLY"},
		{unix.MS_NOSUID, "MS_NOSUID"},
		{unix.MS_NODEV, "MS_NODEV"},
		{unix.MS_NOEXEC, "MS_NOEXEC"},
		{unix.MS_STRICTATIME, "MS_STRICTATIME"},
	})
}
