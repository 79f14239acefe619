package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// An overlay mount shows several directories as one (overlayfs in the
// kernel's Documentation/filesystems/overlayfs.rst):
//
//	merged   what the container sees as /
//	upper    the container's own changes: new and modified files, whiteouts
//	lower    the rootfs, read-only; with several, the first is on top
//	work     overlayfs's scratch space, on the same filesystem as upper
//
// Reading a file finds it in the topmost layer that has it. Writing a lower
// file first copies it up into upper (copy-up); deleting one leaves a
// whiteout in upper, a character device 0/0 that hides it. The lowers are
// shared by every container and never written; each container's upper is
// its own, so containers no longer see each other's writes.

// checkLowers splits --rootfs DIR[:DIR...] into the lower directories, top first.
func checkLowers(rootfs string) ([]string, error) {
	lowers := strings.Split(rootfs, ":")
	for _, dir := range lowers {
		if err := checkRootfs(dir); err != nil {
			return nil, err
		}
	}
	return lowers, nil
}

// escapeOption escapes what would end a path early inside overlay's mount
// options: ',' separates options and ':' separates lower directories.
var escapeOption = strings.NewReplacer(`\`, `\\`, ",", `\,`, ":", `\:`).Replace

// containersDir holds each container's own directory, containers/ID.
func containersDir() string { return filepath.Join(dataDir(), "containers") }

// overlayDirs are a container's directories: containers/ID/{upper,work,merged}.
func overlayDirs(dir string) (upper, work, merged string) {
	return filepath.Join(dir, "upper"), filepath.Join(dir, "work"), filepath.Join(dir, "merged")
}

// keepMark, in a container's directory, says it was run with --keep.
func keepMark(dir string) string { return filepath.Join(dir, "keep") }

// mountOverlay mounts the container's overlay on the host, at
// containers/ID/merged, where the learner can look at it from outside.
// With keep, the file containers/ID/keep says so to a reaper that finds
// the directory after a reboot, when the record is gone (see reapOrphans).
func mountOverlay(dir string, lowers []string, keep bool) (string, error) {
	upper, work, merged := overlayDirs(dir)
	for _, dir := range []string{upper, work, merged} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	if keep {
		if err := os.WriteFile(keepMark(dir), nil, 0o644); err != nil {
			return "", err
		}
	}
	// workdir must be on upper's filesystem: overlayfs builds a copied-up
	// file or a whiteout there, then links or renames it into upper, and
	// neither link(2) nor rename(2) crosses filesystems.
	escaped := make([]string, len(lowers))
	for i, dir := range lowers {
		escaped[i] = escapeOption(dir)
	}
	data := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", strings.Join(escaped, ":"), escapeOption(upper), escapeOption(work))
	if len(data) >= os.Getpagesize() {
		short, closeLowers, err := lowersByFd(lowers)
		if err != nil {
			removeOverlay(dir, false)
			return "", err
		}
		defer closeLowers()
		data = fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", strings.Join(short, ":"), escapeOption(upper), escapeOption(work))
	}
	// mount(2) copies at most one page of options. upperdir and workdir
	// are under RUNT_DATA; the rest is the lowers'.
	if len(data) >= os.Getpagesize() {
		removeOverlay(dir, false)
		fix := "use fewer or shorter lower directories"
		if ours := len(escapeOption(upper)) + len(escapeOption(work)); ours > len(data)-ours {
			fix = "use a shorter RUNT_DATA, where each container's upper and work directories are"
		}
		return "", fmt.Errorf("overlay options are %d bytes, more than the kernel takes (%d): %s", len(data), os.Getpagesize()-1, fix)
	}
	if err := mount("overlay", merged, "overlay", 0, data); err != nil {
		removeOverlay(dir, false)
		return "", fmt.Errorf("mounting the overlay of %s: %v (the kernel log, dmesg, says which directory it refused)", strings.Join(lowers, ":"), errors.Unwrap(err))
	}
	return merged, nil
}

// removeOverlay unmounts the overlay and removes the container's
// directories; with keep, upper stays for the learner to inspect.
func removeOverlay(dir string, keep bool) {
	upper, work, merged := overlayDirs(dir)
	explain("umount2(%q, 0)", merged)
	if err := unix.Unmount(merged, 0); errors.Is(err, unix.EBUSY) {
		_ = unix.Unmount(merged, unix.MNT_DETACH)
	}
	if !keep {
		explain("rm -r %s", dir)
		_ = os.RemoveAll(dir)
		return
	}
	_ = os.RemoveAll(work)
	_ = os.Remove(merged)
	_ = os.Remove(keepMark(dir))
	if _, err := os.Stat(upper); err == nil {
		fmt.Fprintf(os.Stderr, "%s: kept the container's changes in %s\n", prog, upper)
	}
}

// lowersByFd names each lower directory by a descriptor of it, held open
// until closeLowers: /proc/self/fd/N, some 17 bytes, however long its
// path. An image may have 127 layers (Docker's limit), and 127 paths in
// the store fill more than the page mount(2) copies. Overlayfs looks each
// name up once, when mounted, and keeps the directory, not the name; the
// mount table shows the names as given.
func lowersByFd(lowers []string) (names []string, closeLowers func(), err error) {
	var fds []int
	closeLowers = func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
	for _, dir := range lowers {
		fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			closeLowers()
			return nil, nil, &os.PathError{Op: "open", Path: dir, Err: err}
		}
		fds = append(fds, fd)
		names = append(names, fmt.Sprintf("/proc/self/fd/%d", fd))
	}
	explain("%d lowers are too long for one page of mount options: opened each, named /proc/self/fd/N", len(lowers))
	return names, closeLowers, nil
}
