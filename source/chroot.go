//@ file steps 1-2
//go:build ignore

package main

import (
	//@ steps 2
	"os"
	//@ end
	//@ steps 1
	"os/exec"
	"syscall"
	//@ end
	//@ steps 2

	"golang.org/x/sys/unix"
	//@ end
)

//@ steps 1

// chrootCommand prepares a child that runs inside rootfs.
func chrootCommand(o options) (*exec.Cmd, error) {
	path, err := lookPathIn(o.rootfs, o.command[0])
	if err != nil {
		return nil, err
	}
	// Between fork and exec the child calls chroot(rootfs), then chdir("/"):
	// Go runs both for us when SysProcAttr.Chroot and Dir are set. Without the
	// chdir the child's working directory would still be on the host.
	cmd := &exec.Cmd{
		Path:        path,
		Args:        o.command,
		Env:         containerEnv(),
		Dir:         "/",
		SysProcAttr: &syscall.SysProcAttr{Chroot: o.rootfs},
	}
	explain("fork(), then in the child: chroot(%q), chdir(\"/\"), execve(%q, %q)", o.rootfs, path, o.command)
	return cmd, nil
}

//@ end
//@ steps 2

// enterRootfs makes rootfs the container's / with chroot, as step 1 did, but
// now from inside the container's init. Step 3 replaces it with pivot_root.
func enterRootfs(rootfs string) error {
	explain("chroot(%q)", rootfs)
	if err := unix.Chroot(rootfs); err != nil {
		return &os.PathError{Op: "chroot", Path: rootfs, Err: err}
	}
	explain(`chdir("/")`)
	return os.Chdir("/")
}

//@ end
