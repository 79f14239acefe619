package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
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

// lookPathIn finds name the way a shell inside rootfs would, and returns its path
// as the container sees it. Symlinks in the rootfs (busybox's /bin/sh ->
// /bin/busybox) are absolute paths meant for the container, so they are
// resolved inside rootfs with securejoin and never against the host's /.
func lookPathIn(rootfs, name string) (string, error) {
	var found error = &statusError{exitNotFound, fmt.Errorf("%s: command not found in the container's rootfs (%s)", name, rootfs)}
	for _, path := range searchPath(name) {
		onHost, err := securejoin.SecureJoin(rootfs, path)
		if err != nil {
			continue
		}
		info, err := os.Stat(onHost)
		switch {
		case err != nil:
			continue
		case info.IsDir() || info.Mode().Perm()&0o111 == 0:
			// Like a shell: remember it, but keep searching $PATH.
			found = &statusError{exitCannotExec, fmt.Errorf("%s: cannot execute: %s is not an executable file", name, path)}
		default:
			return filepath.Join("/", path), nil
		}
	}
	return "", found
}

// searchPath lists where a shell looks for name: name itself if it holds a
// slash, else each directory of containerPath.
func searchPath(name string) []string {
	if strings.Contains(name, "/") {
		return []string{name}
	}
	var paths []string
	for _, dir := range filepath.SplitList(containerPath) {
		paths = append(paths, filepath.Join(dir, name))
	}
	return paths
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
