package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"syscall"
)

// run starts the container's command as a child process, waits for it, and
// returns the exit status the runtime should end with.
func run(o options) (int, error) {
	// An image stands where --rootfs was: its layers are the lowers. The
	// store stays locked until the record says the image is in use.
	lowers, imageStore, err := rootfsLowers(&o)
	if err != nil {
		return 0, err
	}
	defer imageStore.close()

	// A dead runtime's leftovers go first; then this container's record,
	// locked for as long as the runtime lives (see state.go). From here on,
	// whatever is built is torn down by rec.release, at whatever exit.
	reapDead()
	if err := checkPorts(o); err != nil { // after reapDead: the dead hold no ports
		return 0, err
	}
	rec, err := createRecord(o)
	if err != nil {
		return 0, err
	}
	defer rec.release()
	imageStore.close() // rmi now sees the record, and keeps the image
	fault("recorded")

	// The container's / is a copy-on-write view of the rootfs: from here on,
	// o.rootfs is the merged directory of its overlay mount.
	merged, err := mountOverlay(rec.Dir, lowers, rec.Keep)
	if err != nil {
		return 0, err
	}
	fault("overlay")
	o.rootfs = merged

	// The address is leased and /etc's network files are in place before
	// the container starts; its links are built once it exists (attach).
	network, err := prepareNetwork(o)
	if err != nil {
		return 0, err
	}
	fault("leased")
	etc, err := writeEtcFiles(rec.Dir, o.hostname, network.ip)
	if err != nil {
		return 0, err
	}
	if err := bindEtcFiles(etc, o.rootfs); err != nil {
		return 0, err
	}
	fault("etc")
	cmd, pipe, err := containerCommand(o)
	if err != nil {
		return 0, err
	}
	defer pipe.close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	terminal, err := attachTerminal(cmd)
	if err != nil {
		return 0, err
	}

	// The cgroup exists, with its limits, before the container starts, and
	// goes when run returns, however the container ended.
	cg, err := createCgroup(o.id, o.limits)
	if err != nil {
		return 0, err
	}
	fault("cgroup")

	signals := catchSignals()
	defer stopSignals(signals)
	if err := cmd.Start(); err != nil {
		return 0, startError(o.command[0], err)
	}
	// Init waits on its pipe while the runtime readies the container from
	// outside; a failure in between must not leave init waiting.
	abort := func(err error) (int, error) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, err
	}
	sentinel, err := startSentinel(cmd.Process.Pid)
	if err != nil {
		return abort(err)
	}
	defer stopSentinel(sentinel)
	fault("sentinel")
	if err := cg.join(cmd.Process.Pid); err != nil {
		return abort(err)
	}
	fault("joined")
	if err := network.attach(cmd.Process.Pid); err != nil {
		return abort(err)
	}
	if err := pipe.send(); err != nil {
		return abort(err)
	}
	fault("started")
	if terminal != nil {
		terminal.start()
		defer terminal.finish()
	}
	go forwardSignals(signals, cmd.Process)

	// Wait returns an *exec.ExitError for any status but 0; the status itself
	// is in ProcessState either way.
	if err := cmd.Wait(); err != nil && cmd.ProcessState == nil {
		return 0, fmt.Errorf("waiting for %s: %w", o.command[0], err)
	}
	status := exitStatus(cmd.ProcessState)
	explain("wait4(%d) = %s", cmd.Process.Pid, cmd.ProcessState)
	reportOOM(cg, o.limits, status)
	return status, nil
}

// exitStatus is how a shell reports a child's end: its exit code, or 128+N if
// signal N killed it (so SIGKILL is 137).
func exitStatus(state *os.ProcessState) int {
	ws := state.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// startError explains why the command could not start, with the exit status a
// shell would give: 127 for a command that does not exist, 126 for one that
// cannot be executed.
func startError(name string, err error) error {
	switch {
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist):
		return &statusError{exitNotFound, fmt.Errorf("%s: command not found", name)}
	case errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ENOEXEC):
		return &statusError{exitCannotExec, fmt.Errorf("%s: cannot execute: %v", name, unwrapAll(err))}
	}
	return fmt.Errorf("starting %s: %w", name, err)
}

// unwrapAll returns the innermost error, e.g. "permission denied" out of
// "fork/exec /x: permission denied".
func unwrapAll(err error) error {
	for errors.Unwrap(err) != nil {
		err = errors.Unwrap(err)
	}
	return err
}
