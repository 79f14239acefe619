package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	"golang.org/x/sys/unix"
)

// A running container owns things on the host that outlive a runtime killed
// with SIGKILL: its cgroup, its overlay, its links, address and NAT rules.
// Before it makes any of them, the runtime writes the container's record,
// /run/runt/containers/ID.json, and holds a lock on it for as long as the
// container runs. flock(2) locks belong to the open file, and the kernel
// drops them when the process dies, however it dies; so a record that no
// one holds locked is the sign of a dead runtime, and the next run tears
// down what the record names. One teardown serves both: the runtime's own
// at exit and the reaper's after a crash. Records live in /run, which the
// host empties at boot, as it empties everything they name
// but the container directories in the data directory (see reapOrphans).

// stateDir holds what is host-wide while the machine runs: the records of
// running containers (and, from step 6, the address leases). It is not
// under RUNT_DATA, because cgroups, links and rules are not either: two
// data directories still share one host.
const stateDir = "/run/runt"

func recordsDir() string { return filepath.Join(stateDir, "containers") }

// record is what a container owns on the host, enough to remove it all.
type record struct {
	ID string `json:"id"`

	// Dir is its directory, containers/ID in the data directory; with
	// Keep (--keep) the upper directory in it stays.
	Dir  string `json:"dir"`
	Keep bool   `json:"keep,omitempty"`

	// Net is its network mode.
	Net string `json:"net"`

	// Image is the digest of its image's manifest, which rmi keeps while
	// the container runs.
	Image digest.Digest `json:"image,omitempty"`
}

// heldRecord is a record on disk whose lock this runtime holds.
type heldRecord struct {
	record
	file *os.File
	path string
}

// createRecord writes and locks the record of container o.id. It is made
// as a file without a name (O_TMPFILE), locked and written, and only then
// linked into the directory: a reaper never sees a record that is unlocked
// or half written, and a crash before the link leaves nothing at all.
func createRecord(o options) (*heldRecord, error) {
	rec := record{ID: o.id}
	rec.Dir, rec.Keep = filepath.Join(containersDir(), o.id), o.keep
	rec.Net = o.net
	rec.Image = o.manifest
	if err := os.MkdirAll(recordsDir(), 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(recordsDir(), o.id+".json")
	fd, err := unix.Open(recordsDir(), unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, &os.PathError{Op: "create the container's record in", Path: recordsDir(), Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	data, _ := json.Marshal(rec)
	explain("open(%q, O_TMPFILE), flock(LOCK_EX), write %s, link as %s", recordsDir(), data, filepath.Base(path))
	err = unix.Flock(fd, unix.LOCK_EX)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = unix.Linkat(unix.AT_FDCWD, fmt.Sprintf("/proc/self/fd/%d", fd), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("writing the container's record %s: %w", path, err)
	}
	return &heldRecord{record: rec, file: f, path: path}, nil
}

// release tears the container down, removes its record, and only then
// drops the lock: a reaper that takes it afterwards finds the record gone.
func (h *heldRecord) release() {
	teardown(h.record)
	fault("teardown-done")
	os.Remove(h.path)
	h.file.Close()
}

// teardown removes what rec names, in the reverse order of creation. Each
// part finds its object by the container's id and does nothing if it is
// gone, so teardown is safe after a crash at any point, and safe twice.
func teardown(rec record) {
	explain("teardown of container %s", rec.ID)
	// Removing the cgroup first kills whatever of the container still runs.
	if cg, err := newCgroup(rec.ID); err == nil {
		removeCgroup(cg)
	}
	fault("teardown-cgroup")
	if rec.Net == netBridge { // none and host lease nothing, link nothing, add no rule
		removeNetwork(rec.ID)
	}
	fault("teardown-network")
	unbindEtcFiles(filepath.Join(rec.Dir, "merged"))
	removeOverlay(rec.Dir, rec.Keep)
	fault("teardown-overlay")
}

// reapDead tears down every container whose runtime died without doing so.
func reapDead() {
	paths, _ := filepath.Glob(filepath.Join(recordsDir(), "*.json"))
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			continue // its runtime just finished and removed it
		}
		// LOCK_NB: a lock held by a live runtime fails at once with
		// EWOULDBLOCK. A record whose runtime removed it just before we
		// locked it has no links left: its runtime has torn it down.
		var st unix.Stat_t
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil && unix.Fstat(int(f.Fd()), &st) == nil && st.Nlink > 0 {
			var rec record
			if err := json.NewDecoder(f).Decode(&rec); err == nil && rec.ID != "" {
				explain("flock(%q, LOCK_EX|LOCK_NB) succeeded: its runtime is dead; tearing down", path)
				teardown(rec)
			}
			os.Remove(path)
		}
		f.Close()
	}
	reapOrphans()
}

// reapOrphans removes what containers that ran when the host went down left
// in the data directory: a reboot empties /run, records included, and takes
// cgroups, mounts and links with it, but not the container directories. A
// directory without a record whose work directory is still there is one of
// them. (Records are written before the directory is made and removed after
// it is torn down, and a kept container's teardown removes work.)
func reapOrphans() {
	entries, _ := os.ReadDir(containersDir())
	for _, e := range entries {
		dir := filepath.Join(containersDir(), e.Name())
		if exists(filepath.Join(recordsDir(), e.Name()+".json")) {
			continue
		}
		if _, work, _ := overlayDirs(dir); !exists(work) {
			continue
		}
		explain("%s has no record: its container ran when the host went down", dir)
		removeOverlay(dir, exists(keepMark(dir)))
	}
}

// exists tells whether path names anything (following symlinks).
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// alive tells whether container id has a runtime holding its record.
func alive(id string) bool {
	f, err := os.Open(filepath.Join(recordsDir(), id+".json"))
	if err != nil {
		return false
	}
	defer f.Close()
	return errors.Is(unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB), unix.EWOULDBLOCK)
}
