package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// namespaceFlags give the container its own hostname (UTS), process numbers
// (PID), mount table (mount, "NS" for historical reasons) and System V IPC
// objects (IPC). clone(2) creates them together with the child.
const namespaceFlags = unix.CLONE_NEWUTS | unix.CLONE_NEWPID | unix.CLONE_NEWNS | unix.CLONE_NEWIPC

// containerCommand prepares the container's first process: this very program,
// re-executed as "init" in new namespaces. Go cannot run our code between
// fork and exec in the child (see init.go), so the child must be a whole
// program, and the simplest whole program that knows what to do is ourselves.
func containerCommand(o options) (*exec.Cmd, error) {
	if _, err := lookPathIn(o.rootfs, o.command[0]); err != nil {
		return nil, err
	}
	flags := uintptr(namespaceFlags)
	cmd := &exec.Cmd{
		Path: "/proc/self/exe",
		Args: append([]string{prog, "init"}, initArgs(o)...),
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags: flags,
			// If the runtime dies, the kernel kills the container's init, and
			// with it every process of the PID namespace.
			Pdeathsig: syscall.SIGKILL,
		},
	}
	explain("clone(%s), then in the child: execve(\"/proc/self/exe\", %q)", cloneFlagNames(flags), cmd.Args)
	return cmd, nil
}

// initArgs passes the options init needs, as flags "run" understands.
func initArgs(o options) []string {
	args := []string{
		"--explain=" + strconv.FormatBool(explaining),
		"--rootfs", o.rootfs,
		"--hostname", o.hostname,
	}
	return append(append(args, "--"), o.command...)
}

// hostNameMax is HOST_NAME_MAX: sethostname(2) refuses longer names.
const hostNameMax = 64

// checkHostname refuses a --hostname the kernel would refuse, before anything starts.
func checkHostname(name string) error {
	if len(name) > hostNameMax {
		return fmt.Errorf("--hostname is %d bytes long; the kernel allows at most %d (HOST_NAME_MAX)", len(name), hostNameMax)
	}
	return nil
}

// newID is a short random container id, the default hostname.
func newID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// cloneFlagNames spells flags the way clone(2) does, for --explain.
func cloneFlagNames(flags uintptr) string {
	return bitNames(flags, []bitName{
		{unix.CLONE_NEWUTS, "CLONE_NEWUTS"},
		{unix.CLONE_NEWPID, "CLONE_NEWPID"},
		{unix.CLONE_NEWNS, "CLONE_NEWNS"},
		{unix.CLONE_NEWIPC, "CLONE_NEWIPC"},
	})
}
