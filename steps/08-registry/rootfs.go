package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// dataDir holds root filesystems and container state. It lives on the
// machine's own filesystem, never in the repository: in the workshop VM the
// repository is a shared folder, where mknod, chown and overlayfs do not work.
func dataDir() string {
	if dir := os.Getenv("RUNT_DATA"); dir != "" {
		return dir
	}
	return "/var/lib/runt"
}

// defaultRootfs is the busybox root filesystem that "make rootfs" builds.
func defaultRootfs() string {
	return filepath.Join(dataDir(), "rootfs", "busybox")
}

// checkRootfs makes sure dir can be a root filesystem before anything starts.
func checkRootfs(dir string) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("rootfs %s: no such directory; build one with 'make rootfs' or pass --rootfs DIR", dir)
	case err != nil:
		return fmt.Errorf("rootfs %s: %w", dir, err)
	case !info.IsDir():
		return fmt.Errorf("rootfs %s: not a directory; pass --rootfs a directory holding a root filesystem", dir)
	}
	return nil
}

// containerPath is the search path inside the container, the same as Docker's default.
const containerPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// searchPath is where a command is looked up: containerPath, or the PATH
// an image's config sets (see imageconfig.go).
var searchPath = containerPath

// lookPathIn finds name the way a shell inside rootfs would, and returns its
// path as the container sees it.
func lookPathIn(rootfs, name string) (string, error) {
	f, path, err := openPathIn(rootfs, name)
	if err == nil {
		f.Close()
	}
	return path, err
}

// openPathIn finds name as lookPathIn does, and opens it. Symlinks in the
// rootfs (busybox's /bin/sh -> /bin/busybox) are absolute paths meant for
// the container: openat2(2) with RESOLVE_IN_ROOT resolves them inside
// rootfs, never against the host's /. RESOLVE_NO_MAGICLINKS refuses /proc's
// magic links, such as /proc/self/exe, which lead wherever the kernel says.
func openPathIn(rootfs, name string) (*os.File, string, error) {
	root, err := os.Open(rootfs)
	if err != nil {
		return nil, "", err
	}
	defer root.Close()
	candidates := []string{name}
	if !strings.Contains(name, "/") {
		candidates = nil
		for _, dir := range filepath.SplitList(searchPath) {
			candidates = append(candidates, filepath.Join(dir, name))
		}
	}
	var found error = &statusError{exitNotFound, fmt.Errorf("%s: command not found in the container's rootfs", name)}
	for _, path := range candidates {
		fd, err := unix.Openat2(int(root.Fd()), path, &unix.OpenHow{
			Flags:   unix.O_RDONLY | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
		})
		if errors.Is(err, unix.ELOOP) {
			found = &statusError{exitCannotExec, fmt.Errorf("%s: cannot execute: %s leads through a link into /proc (or a loop of links)", name, path)}
		}
		if err != nil {
			continue
		}
		f := os.NewFile(uintptr(fd), path)
		if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
			// Like a shell: remember it, but keep searching $PATH.
			f.Close()
			found = &statusError{exitCannotExec, fmt.Errorf("%s: cannot execute: %s is not an executable file", name, path)}
			continue
		}
		return f, filepath.Join("/", path), nil
	}
	return nil, "", found
}

// containerEnv is the command's whole environment: nothing of the host's
// leaks in but the kind of terminal it talks to.
func containerEnv() []string {
	env := []string{"PATH=" + containerPath, "HOME=/root"}
	if term := os.Getenv("TERM"); term != "" {
		env = append(env, "TERM="+term)
	}
	return env
}
