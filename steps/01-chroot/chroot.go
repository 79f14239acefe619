package main

import (
	"os/exec"
	"syscall"
)

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
