package main

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// enterCgroupNamespace gives the container a cgroup namespace rooted at the
// cgroup it is in now. /proc/self/cgroup then reads "0::/" inside, and a
// cgroup filesystem mounted inside shows the container's own subtree: the
// container learns neither the host's layout nor its own place in it.
// It must run after the runtime moved us into our cgroup: a namespace's
// root is the cgroup of the process that creates it.
func enterCgroupNamespace() error {
	explain("unshare(CLONE_NEWCGROUP)")
	if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
		return os.NewSyscallError("unshare(CLONE_NEWCGROUP)", err)
	}
	return nil
}

// cgroupMounts is what to mount at /sys/fs/cgroup inside, read from the
// host's mount table before pivot_root hides it: nil on a v2 host, else the
// v1 trees to mount again (each shows its namespace root).
type cgroupMounts []v1Hierarchy

func hostCgroupMounts() (cgroupMounts, error) {
	v2, err := isCgroupV2()
	if err != nil || v2 {
		return nil, err
	}
	return v1Hierarchies()
}

// mountCgroups mounts the container's cgroup tree read-only at /sys/fs/cgroup,
// where it reads its usage and limits. (Root inside could still mount a
// cgroupfs of its own, writable, and raise them: step 8 takes that right away.)
func mountCgroups(v1 cgroupMounts) error {
	const flags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_RDONLY
	if v1 == nil {
		return mount("cgroup2", cgroupRoot, "cgroup2", flags, "")
	}
	// v1: a tmpfs holding one mount per tree, as on the host.
	if err := mount("tmpfs", cgroupRoot, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755"); err != nil {
		return err
	}
	for _, h := range v1 {
		target := filepath.Join(cgroupRoot, filepath.Base(h.mountpoint))
		if err := mount("cgroup", target, "cgroup", flags, strings.Join(h.controllers, ",")); err != nil {
			return err
		}
	}
	return mount("", cgroupRoot, "", unix.MS_REMOUNT|flags, "")
}
