//@ file steps 4-

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// A running container owns things on the host that outlive a runtime killed
//@ steps 4
// with SIGKILL: its cgroup.
//@ end
//@ steps 5
// with SIGKILL: its cgroup and its overlay.
//@ end
//@ steps 6-
// with SIGKILL: its cgroup, its overlay, its links, address and NAT rules.
//@ end
// The runtime holds a lock file, $RUNT_DATA/containers/ID.lock, for as long
// as the container runs. flock(2) locks belong to the open file, and the
// kernel drops them when the process dies, however it dies; so a lock file
// that no one holds locked is the sign of a dead runtime, and the next run
// cleans up after it.

func containersDir() string { return filepath.Join(dataDir(), "containers") }

// containerLock is a held lock on one container's lock file.
type containerLock struct {
	file *os.File
	path string
}

// lockContainer takes the lock of container id. The file is created and
// locked under a temporary name, then renamed: a reaper never sees it unlocked.
func lockContainer(id string) (*containerLock, error) {
	if err := os.MkdirAll(containersDir(), 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(containersDir(), id+".lock")
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating container lock: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, os.NewSyscallError("flock", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	return &containerLock{file: f, path: path}, nil
}

// release removes the lock file, then drops the lock.
func (l *containerLock) release() {
	os.Remove(l.path)
	l.file.Close()
}

//@ doc reap

// reapDead cleans up after every runtime that died without cleaning up.
func reapDead() {
	locks, _ := filepath.Glob(filepath.Join(containersDir(), "*.lock"))
	for _, path := range locks {
		f, err := os.Open(path)
		if err != nil {
			continue // its runtime just finished and removed it
		}
		// LOCK_NB: a lock held by a live runtime fails at once with EWOULDBLOCK.
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
			id := strings.TrimSuffix(filepath.Base(path), ".lock")
			explain("flock(%q, LOCK_EX|LOCK_NB) succeeded: its runtime is dead; cleaning up", path)
			removeLeftovers(id)
			os.Remove(path)
		}
		f.Close()
	}
}

//@ end

// removeLeftovers removes what a dead runtime's container left on the host.
func removeLeftovers(id string) {
	//@ steps 6-
	removeNetwork(id)
	//@ end
	//@ steps 5-
	removeOverlay(id, false)
	//@ end
	if cg, err := newCgroup(id); err == nil {
		if err := cg.remove(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: cleaning up container %s: %v\n", prog, id, err)
		}
	}
}
