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
	if err := os.MkdirAll("/proc", 0o555); err != nil {
		return err
	}
	explain(`mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC)`)
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return &os.PathError{Op: "mount proc", Path: "/proc", Err: err}
	}
	return nil
}
