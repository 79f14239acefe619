package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// initConfig is everything init is told. The runtime writes it as JSON into
// a pipe that init reads as fd 3, once the container may start; init takes
// nothing from its command line or environment, so no one can drive it by hand.
type initConfig struct {
	Rootfs   string   `json:"rootfs"`
	Hostname string   `json:"hostname"`
	Command  []string `json:"command"`
	Env      []string `json:"env"`
	Explain  bool     `json:"explain"`

	// Workdir and User are the image's (imageconfig.go, user.go).
	Workdir string `json:"workdir,omitempty"`
	User    string `json:"user,omitempty"`
}

// containerInit is the container's init: the runtime's child, re-executed as
// "/proc/self/exe init". It starts inside the new namespaces, prepares them
// from the inside, then execve's the command, which so becomes PID 1 of the
// container.
//
// Why can't the runtime do this itself? The namespaces belong to the child:
// the parent stays in the host's, so a hostname it set or a mount it made
// would be the host's. A C runtime would do the work in the child between
// fork and exec. Go cannot: the Go runtime is multithreaded and fork copies
// only the calling thread, so between fork and exec the child may run only
// the fixed sequence in package syscall (SysProcAttr), no Go code of ours.
func containerInit() int {
	role = "init"
	// unshare(2) changes the namespaces of the calling thread only, and
	// execve keeps those of the thread that calls it: both must happen on
	// one thread, so this goroutine keeps its thread to the end.
	runtime.LockOSThread()
	c, err := readConfig()
	if err != nil {
		return fail(fmt.Errorf("init: %w", err))
	}
	explaining = c.Explain
	if err := setUpContainer(c); err != nil {
		return fail(fmt.Errorf("init: %w", err))
	}
	if err := becomeImageUser(&c); err != nil {
		return fail(fmt.Errorf("init: %w", err))
	}
	return fail(execCommand(c.Command, c.Env)) // returns only if execve failed
}

// readConfig waits for the runtime's go-ahead, which is the configuration
// itself. Typed on the host, "stepN init" would set the host's hostname and
// remount its /; so init goes on only as PID 1 of a new PID namespace with a
// pipe at fd 3, as the runtime starts it.
func readConfig() (initConfig, error) {
	var c initConfig
	var st unix.Stat_t
	if os.Getpid() != 1 || unix.Fstat(3, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return c, fmt.Errorf("runs only as a container's first process, started by '%s run'", prog)
	}
	pipe := os.NewFile(3, "init pipe")
	defer pipe.Close() // not for the command to inherit
	// EOF before a whole configuration means the runtime gave up.
	if err := json.NewDecoder(io.LimitReader(pipe, 1<<20)).Decode(&c); err != nil {
		return c, fmt.Errorf("reading the configuration from the runtime: %w", err)
	}
	if len(c.Command) == 0 {
		return c, fmt.Errorf("the runtime sent no command")
	}
	return c, nil
}

// setUpContainer runs inside the new namespaces, before the command.
func setUpContainer(c initConfig) error {
	explain("sethostname(%q)", c.Hostname)
	if err := unix.Sethostname([]byte(c.Hostname)); err != nil {
		return os.NewSyscallError("sethostname", err)
	}
	if err := makeMountsPrivate(); err != nil {
		return err
	}
	if err := enterCgroupNamespace(); err != nil {
		return err
	}
	cgroups, err := hostCgroupMounts()
	if err != nil {
		return err
	}
	if err := pivotRoot(c.Rootfs); err != nil {
		return err
	}
	if err := mountProc(); err != nil {
		return err
	}
	if err := mountDev(); err != nil {
		return err
	}
	if err := mountSys(); err != nil {
		return err
	}
	if err := mountCgroups(cgroups); err != nil {
		return err
	}
	return detachOldRoot()
}
