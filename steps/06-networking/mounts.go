package main

import (
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
	explain(`mount("", "/", "", MS_REC|MS_PRIVATE)`)
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return &os.PathError{Op: "make mounts private", Path: "/", Err: err}
	}
	return nil
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

// mount creates target and mounts a filesystem of type fstype there.
func mount(source, target, fstype string, flags uintptr, data string) error {
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	explain("mount(%q, %q, %q, %s, %q)", source, target, fstype, mountFlagNames(flags), data)
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		return &os.PathError{Op: "mount " + fstype, Path: target, Err: err}
	}
	return nil
}

// mountFlagNames spells mount flags the way mount(2) does, for --explain.
func mountFlagNames(flags uintptr) string {
	return bitNames(flags, []bitName{
		{unix.MS_RDONLY, "MS_RDONLY"},
		{unix.MS_NOSUID, "MS_NOSUID"},
		{unix.MS_NODEV, "MS_NODEV"},
		{unix.MS_NOEXEC, "MS_NOEXEC"},
		{unix.MS_STRICTATIME, "MS_STRICTATIME"},
	})
}
