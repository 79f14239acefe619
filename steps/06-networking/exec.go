package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// execCommand replaces init with the command: same process, same PID 1. The
// kernel looks the path up once more in execve; between the check and the
// exec only another container sharing this rootfs could change it, and from
// step 5 on every container writes to its own layer.
func execCommand(args, env []string) error {
	fd, path, err := openCommand(args[0])
	if err != nil {
		return err
	}
	err = checkInterpreter(fd, path)
	unix.Close(fd)
	if err != nil {
		return err
	}
	explain("execve(%q, %q)", path, args)
	err = unix.Exec(path, args, env)
	return &statusError{exitCannotExec, &os.PathError{Op: "execve", Path: path, Err: err}}
}

// openCommand finds name as a shell would and opens it. openat2(2) resolves
// the path inside the root (RESOLVE_IN_ROOT) and refuses /proc's magic links
// (RESOLVE_NO_MAGICLINKS): a rootfs whose /bin/sh points at /proc/self/exe
// would otherwise make the runtime's own binary the container's PID 1, the
// first half of CVE-2019-5736.
func openCommand(name string) (int, string, error) {
	root, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, "", &os.PathError{Op: "open", Path: "/", Err: err}
	}
	defer unix.Close(root)
	var found error = &statusError{exitNotFound, fmt.Errorf("%s: command not found", name)}
	for _, path := range searchPath(name) {
		fd, err := unix.Openat2(root, strings.TrimPrefix(path, "/"), &unix.OpenHow{
			Flags:   unix.O_RDONLY | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
		})
		switch {
		case errors.Is(err, unix.ELOOP):
			found = &statusError{exitCannotExec, fmt.Errorf("%s: cannot execute: %s leads through a link into /proc (or a loop of links)", name, path)}
			continue
		case err != nil:
			continue
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Mode&0o111 == 0 {
			unix.Close(fd)
			found = &statusError{exitCannotExec, fmt.Errorf("%s: cannot execute: %s is not an executable file", name, path)}
			continue
		}
		return fd, path, nil
	}
	return -1, "", found
}

// checkInterpreter refuses a script whose "#!" line names an interpreter
// that openCommand would refuse (#!/proc/self/exe, say). The kernel reads
// that line and opens the interpreter itself, magic links and all.
func checkInterpreter(fd int, path string) error {
	head := make([]byte, 256)
	n, _ := unix.Pread(fd, head, 0)
	line, ok := bytes.CutPrefix(head[:n], []byte("#!"))
	if !ok {
		return nil // a binary: nothing more to look up
	}
	fields := strings.Fields(string(bytes.SplitN(line, []byte("\n"), 2)[0]))
	if len(fields) == 0 {
		return &statusError{exitCannotExec, fmt.Errorf("%s: cannot execute: its #! line names no interpreter", path)}
	}
	interp, _, err := openCommand(fields[0])
	if err != nil {
		return err
	}
	return unix.Close(interp)
}
