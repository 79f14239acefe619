package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// The container must not outlive its runtime. Init starts with a parent-death
// signal (Pdeathsig, in namespaces.go), but the kernel clears it as soon as
// the process changes its credentials (prctl(2), PR_SET_PDEATHSIG), and
// many images start with an entrypoint that drops root (gosu, su-exec,
// setpriv). So a second process keeps watch from outside the container: the
// sentinel, the runtime re-executed once more. It holds two pidfds, the
// runtime's and init's. If the runtime's becomes readable first (the runtime
// ended and the container did not), it SIGKILLs init, and the kernel ends
// every other process of the PID namespace with it.

// startSentinel starts the sentinel of the container whose init is pid.
func startSentinel(pid int) (*exec.Cmd, error) {
	self, err := unix.PidfdOpen(os.Getpid(), 0)
	if err != nil {
		return nil, os.NewSyscallError("pidfd_open", err)
	}
	child, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		unix.Close(self)
		return nil, os.NewSyscallError("pidfd_open", err)
	}
	pidfds := []*os.File{os.NewFile(uintptr(self), "runtime pidfd"), os.NewFile(uintptr(child), "init pidfd")}
	defer pidfds[0].Close() // the sentinel has its own copies
	defer pidfds[1].Close()
	cmd := &exec.Cmd{
		Path:       "/proc/self/exe",
		Args:       []string{prog, "sentinel"},
		ExtraFiles: pidfds, // fds 3 and 4
		// A process group of its own: Ctrl-C at the terminal is for the
		// container, not for the sentinel.
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	explain("pidfd_open(%d), pidfd_open(%d), then fork and execve(\"/proc/self/exe\", %q)", os.Getpid(), pid, cmd.Args)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the sentinel: %w", err)
	}
	return cmd, nil
}

// stopSentinel ends the sentinel, whose watch is over.
func stopSentinel(cmd *exec.Cmd) {
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}

// sentinel waits for the runtime or the container's init to end, whichever
// ends first; if it is the runtime, the container goes too.
func sentinel() int {
	if !isPidfd(3) || !isPidfd(4) {
		return fail(fmt.Errorf("sentinel runs only beside a container, started by '%s run'", prog))
	}
	fds := []unix.PollFd{{Fd: 3, Events: unix.POLLIN}, {Fd: 4, Events: unix.POLLIN}}
	for {
		if _, err := unix.Poll(fds, -1); !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if fds[0].Revents != 0 && fds[1].Revents == 0 {
		_ = unix.PidfdSendSignal(4, unix.SIGKILL, nil, 0)
	}
	return 0
}

// isPidfd tells a pidfd from any other descriptor: signal 0 checks that the
// process exists (ESRCH if it has ended) and fails with EBADF on anything
// but a pidfd.
func isPidfd(fd int) bool {
	err := unix.PidfdSendSignal(fd, 0, nil, 0)
	return err == nil || errors.Is(err, unix.ESRCH)
}
