package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
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
	if o.net != netHost {
		flags |= unix.CLONE_NEWNET // its own network stack: links, addresses, routes, ports
	}
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

// holdInit makes the container's init wait, before it does anything, until
// release says go. In between, the runtime puts init into the container's
// cgroup, so that not one instruction of the user's runs outside the
// limits. The wait is a pipe: init reads from it (fd 3) and blocks.
func holdInit(cmd *exec.Cmd) (release func(cg cgroup) error, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, r) // fd 3 in the child
	// --pids counts threads, and init, a Go program, runs in the cgroup until
	// it execs the command. One P keeps its thread count small (the command
	// does not inherit this: it gets containerEnv).
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	return func(cg cgroup) error {
		r.Close() // the child has its own copy now
		defer w.Close()
		if err := cg.join(cmd.Process.Pid); err != nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return err
		}
		explain("write(sync pipe): init may go on")
		_, err := w.Write([]byte{0})
		return err
	}, nil
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
		{unix.CLONE_NEWNET, "CLONE_NEWNET"},
	})
}
