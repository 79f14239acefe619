//@ file steps 2-

package main

import (
	"fmt"
	"os"
	//@ steps 4-
	"runtime"
	//@ end

	"golang.org/x/sys/unix"
)

//@ doc init

// containerInit is the container's init: the runtime's child, re-executed as
// "/proc/self/exe init [flags] -- CMD...". It starts inside the new
// namespaces, prepares them from the inside, then execve's the command, which
// so becomes PID 1 of the container.
//
// Why can't the runtime do this itself? The namespaces belong to the child:
// the parent stays in the host's, so a hostname it set or a mount it made
// would be the host's. A C runtime would do the work in the child between
// fork and exec. Go cannot: the Go runtime is multithreaded and fork copies
// only the calling thread, so between fork and exec the child may run only
// the fixed sequence in package syscall (SysProcAttr), no Go code of ours.
func containerInit(args []string) int {
	role = "init"
	//@ steps 4-
	// unshare(2) changes the namespaces of the calling thread only, and
	// execve keeps those of the thread that calls it: both must happen on
	// one thread, so this goroutine keeps its thread to the end.
	runtime.LockOSThread()
	//@ end
	o, err := parseRun(args)
	if err != nil {
		return fail(err)
	}
	//@ steps 4-
	if err := waitForRuntime(); err != nil {
		return fail(fmt.Errorf("init: %w", err))
	}
	//@ end
	if err := setUpContainer(o); err != nil {
		return fail(fmt.Errorf("init: %w", err))
	}
	path, err := lookPathIn("/", o.command[0])
	if err != nil {
		return fail(err)
	}
	// execve replaces init with the command: same process, same PID 1.
	explain("execve(%q, %q)", path, o.command)
	err = unix.Exec(path, o.command, containerEnv())
	return fail(&statusError{exitCannotExec, &os.PathError{Op: "execve", Path: path, Err: err}})
}

//@ end

//@ doc setUpContainer

// setUpContainer runs inside the new namespaces, before the command.
func setUpContainer(o options) error {
	explain("sethostname(%q)", o.hostname)
	if err := unix.Sethostname([]byte(o.hostname)); err != nil {
		return os.NewSyscallError("sethostname", err)
	}
	if err := makeMountsPrivate(); err != nil {
		return err
	}
	//@ steps 4-
	if err := enterCgroupNamespace(); err != nil {
		return err
	}
	cgroups, err := hostCgroupMounts()
	if err != nil {
		return err
	}
	//@ end
	//@ steps 2
	if err := enterRootfs(o.rootfs); err != nil {
		return err
	}
	return mountProc()
	//@ end
	//@ steps 3-
	if err := pivotRoot(o.rootfs); err != nil {
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
	//@ steps 4-
	if err := mountCgroups(cgroups); err != nil {
		return err
	}
	//@ end
	return detachOldRoot()
	//@ end
}

//@ end
//@ steps 4-

// waitForRuntime blocks until the runtime has moved us into the container's
// cgroup (see holdInit). EOF without the go byte means the runtime gave up.
func waitForRuntime() error {
	sync := os.NewFile(3, "sync pipe")
	defer sync.Close() // not for the command to inherit
	explain("read(sync pipe): waiting for the runtime")
	if n, err := sync.Read(make([]byte, 1)); n != 1 {
		return fmt.Errorf("waiting for the runtime: %v", err)
	}
	return nil
}

//@ end
