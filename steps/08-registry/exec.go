package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// execCommand replaces init with the command: same process, same PID 1. It
// looks the command up as the runtime did on the host, now inside the
// container, whose /proc is mounted: openPathIn refuses a path through its
// magic links. The kernel looks the path up once more in execve; between
// the two only another container sharing this rootfs could change it, and
// from step 5 on every container writes to its own layer.
func execCommand(args, env []string) error {
	f, path, err := openPathIn("/", args[0])
	if err != nil {
		return err
	}
	err = checkInterpreter(f, path)
	f.Close()
	if err != nil {
		return err
	}
	explain("execve(%q, %q)", path, args)
	err = unix.Exec(path, args, env)
	return &statusError{exitCannotExec, &os.PathError{Op: "execve", Path: path, Err: err}}
}

// checkInterpreter refuses a script whose "#!" line names an interpreter
// that openPathIn would refuse (#!/proc/self/exe, say). The kernel reads
// that line and opens the interpreter itself, magic links and all.
func checkInterpreter(f *os.File, path string) error {
	head := make([]byte, 256)
	n, _ := f.ReadAt(head, 0)
	line, ok := bytes.CutPrefix(head[:n], []byte("#!"))
	if !ok {
		return nil // a binary: nothing more to look up
	}
	fields := strings.Fields(string(bytes.SplitN(line, []byte("\n"), 2)[0]))
	if len(fields) == 0 {
		return &statusError{exitCannotExec, fmt.Errorf("%s: cannot execute: its #! line names no interpreter", path)}
	}
	_, err := lookPathIn("/", fields[0])
	return err
}
