package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
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
// Init learns what to do from the pipe it returns (see initPipe).
func containerCommand(o options) (*exec.Cmd, *initPipe, error) {
	if _, err := lookPathIn(o.rootfs, o.command[0]); err != nil {
		return nil, nil, err
	}
	flags := uintptr(namespaceFlags)
	if o.net != netHost {
		flags |= unix.CLONE_NEWNET // its own network stack: links, addresses, routes, ports
	}
	pipe, err := newInitPipe(o)
	if err != nil {
		return nil, nil, err
	}
	// An image brings its environment, directory and user (imageconfig.go).
	pipe.config.Env, pipe.config.Workdir, pipe.config.User = o.env, o.workdir, o.user
	cmd := &exec.Cmd{
		Path:       "/proc/self/exe",
		Args:       []string{prog, "init"},
		ExtraFiles: []*os.File{pipe.r}, // fd 3 in the child
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags: flags,
			// If the runtime dies, the kernel kills the container's init, and
			// with it every process of the PID namespace (see sentinel.go for
			// when it does not).
			Pdeathsig: syscall.SIGKILL,
		},
	}
	// --pids counts threads, and init, a Go program, runs in the cgroup until
	// it execs the command. One P keeps its thread count small.
	cmd.Env = []string{"GOMAXPROCS=1"}
	explain("clone(%s), then in the child: execve(\"/proc/self/exe\", %q)", cloneFlagNames(flags), cmd.Args)
	return cmd, pipe, nil
}

// initPipe holds init back, before it does anything, until send says go,
// and what it sends is init's whole configuration. In between, the runtime
// readies from outside what must be in place before the command's first
// instruction (see run.go).
type initPipe struct {
	r, w   *os.File
	config initConfig
}

func newInitPipe(o options) (*initPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	return &initPipe{r: r, w: w, config: initConfig{
		Rootfs:   o.rootfs,
		Hostname: o.hostname,
		Command:  o.command,
		Env:      containerEnv(),
		Explain:  explaining,
	}}, nil
}

// send writes the configuration; init goes on as soon as it has read it.
func (p *initPipe) send() error {
	p.r.Close() // init has its own copy now
	defer p.w.Close()
	data, err := json.Marshal(p.config)
	if err != nil {
		return err
	}
	explain("write(init pipe, %s)", data)
	if _, err := p.w.Write(data); err != nil {
		return fmt.Errorf("sending init its configuration: %w", err)
	}
	return nil
}

// close gives up: init reads EOF instead of a configuration, and exits.
func (p *initPipe) close() {
	p.r.Close()
	p.w.Close()
}

// hostNameMax is HOST_NAME_MAX: sethostname(2) refuses longer names.
const hostNameMax = 64

// checkHostname refuses a --hostname that is not a hostname, before anything
// starts. The kernel takes any bytes, but the name goes into /etc/hosts and
// to every program that prints it: RFC 1123 labels of letters, digits and
// hyphens, separated by dots.
func checkHostname(name string) error {
	if len(name) > hostNameMax {
		return fmt.Errorf("--hostname is %d bytes long; the kernel allows at most %d (HOST_NAME_MAX)", len(name), hostNameMax)
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' ||
			strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
			return fmt.Errorf("--hostname %q: want letters, digits and hyphens, in dot-separated labels of 1 to 63 (RFC 1123)", name)
		}
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
