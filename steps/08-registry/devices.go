package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// devices are the character devices every program may expect. A device node
// is only a name for a (major, minor) pair the kernel interprets, so we
// create them with mknod(2) instead of exposing the host's /dev: the host's
// disks, terminals and /dev/kmsg stay out of reach. (Step 8 runs without the
// right to mknod and bind-mounts these from the host instead.)
var devices = []struct {
	name         string
	major, minor uint32
}{
	{"null", 1, 3},
	{"zero", 1, 5},
	{"full", 1, 7},
	{"random", 1, 8},
	{"urandom", 1, 9},
	{"tty", 5, 0},
}

// devLinks point at /proc/self/fd, so each process sees its own descriptors.
var devLinks = [][2]string{
	{"/proc/self/fd", "/dev/fd"},
	{"/proc/self/fd/0", "/dev/stdin"},
	{"/proc/self/fd/1", "/dev/stdout"},
	{"/proc/self/fd/2", "/dev/stderr"},
	{"pts/ptmx", "/dev/ptmx"},
}

// mountDev builds a minimal /dev on a fresh tmpfs.
func mountDev() error {
	if err := mount("tmpfs", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=64k"); err != nil {
		return err
	}
	unix.Umask(0) // the modes below are exact
	defer unix.Umask(0o022)
	for _, d := range devices {
		path := "/dev/" + d.name
		explain("mknod(%q, S_IFCHR|0666, makedev(%d, %d))", path, d.major, d.minor)
		if err := unix.Mknod(path, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
			return &os.PathError{Op: "mknod", Path: path, Err: err}
		}
	}
	// A devpts instance of our own: the container's pseudo-terminals are
	// numbered from 0 and the host's are not visible. /dev/ptmx must be its
	// ptmx, hence the link and ptmxmode.
	if err := mount("devpts", "/dev/pts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return err
	}
	if err := mount("shm", "/dev/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=64m"); err != nil {
		return err
	}
	for _, l := range devLinks {
		explain("symlink(%q, %q)", l[0], l[1])
		if err := os.Symlink(l[0], l[1]); err != nil {
			return err
		}
	}
	return mountConsole()
}

// mountConsole makes /dev/console the terminal the container was started on,
// if it was: programs such as getty and init systems write there. A bind
// mount's source must be a mount of our own namespace, and fd 0 was opened
// by the runtime in the host's: the terminal is opened again through the old
// root, still attached until detachOldRoot, and bound by that descriptor.
func mountConsole() error {
	if _, err := unix.IoctlGetTermios(0, unix.TCGETS); err != nil {
		return nil // stdin is not a terminal: no console
	}
	tty, err := os.Readlink("/proc/self/fd/0") // e.g. /dev/pts/3, a host path
	if err != nil {
		return err
	}
	rel := strings.TrimPrefix(tty, "/")
	explain("openat(oldroot, %q, O_PATH)", rel)
	fd, err := unix.Openat(int(oldRoot.Fd()), rel, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open console", Path: tty, Err: err}
	}
	defer unix.Close(fd)
	if err := os.WriteFile("/dev/console", nil, 0o600); err != nil {
		return err
	}
	source := fmt.Sprintf("/proc/self/fd/%d", fd)
	return mount(source, "/dev/console", "", unix.MS_BIND, "")
}
