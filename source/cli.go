package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	//@ steps 7-

	"github.com/opencontainers/go-digest"
	//@ end
)

// Every step keeps every flag of the steps before it, with the same meaning, so
// one test suite can drive them all.

// prog is the name errors start with: step0, step1, ...
var prog = filepath.Base(os.Args[0])

// The runtime's own exit statuses follow docker and podman: 125 when the runtime
// itself fails, 126 when the command cannot be executed, 127 when it is not
// found. Any other status is the container's.
const (
	exitRuntimeError = 125
	exitCannotExec   = 126
	exitNotFound     = 127
)

// statusError is an error that ends the runtime with a particular exit status.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// options are the flags of "run" and the command to run.
type options struct {
	// command is CMD [ARG...].
	command []string
	//@ steps 1-

	// rootfs is the directory the container sees as /.
	rootfs string
	//@ end
	//@ steps 2-

	// id names the container; its hostname defaults to it.
	id string

	// hostname is the container's own, in its UTS namespace.
	hostname string
	//@ end
	//@ steps 4-

	// limits are the container's cgroup limits.
	limits limits
	//@ end
	//@ steps 5-

	// keep leaves the container's upper directory after it exits.
	keep bool
	//@ end
	//@ steps 6-

	// net is the network mode: bridge, none or host.
	net string

	// ports are the published ports, from -p.
	ports []port
	//@ end
	//@ steps 7-

	// image is the image reference the command line gave in place of
	// --rootfs, and manifest the digest of the image it named.
	image    string
	manifest digest.Digest

	// env, workdir and user are the command's environment, working
	// directory and user: the runtime's defaults, or the image's.
	env     []string
	workdir string
	user    string
	//@ end
	//@ steps 8-

	// pull says when run pulls its image: missing, always or never; and
	// insecure lists the registries that may be reached by plain HTTP.
	pull     string
	insecure []string
	//@ end
}

//@ steps 0-6
//| const usage = `usage: %[1]s [--explain] run [flags] [--] CMD [ARG...]
//|
//| Runs CMD in a container; the exit status is CMD's (128+N if signal N killed it).
//|
//| flags:
//| %[2]s`
//|
//@ end
//@ steps 7
//| const usage = `usage: %[1]s [--explain] run [flags] [IMAGE] [--] [CMD [ARG...]]
//|        %[1]s [--explain] load FILE|DIR     an OCI layout, an OCI archive or a docker save tar
//|        %[1]s images [--verbose]
//|        %[1]s [--explain] rmi IMAGE
//|
//| Runs CMD in a container; the exit status is CMD's (128+N if signal N killed it).
//| IMAGE, a loaded image, stands in place of --rootfs; without CMD, the container
//| runs the image's own command.
//|
//| flags:
//| %[2]s`
//|
//@ end
//@ steps 8-

const usage = `usage: %[1]s [--explain] run [flags] [IMAGE] [--] [CMD [ARG...]]
       %[1]s [--explain] load FILE|DIR     an OCI layout, an OCI archive or a docker save tar
       %[1]s images [--verbose]
       %[1]s [--explain] rmi IMAGE
       %[1]s [--explain] pull [--insecure-registry HOST[:PORT]] IMAGE

Runs CMD in a container; the exit status is CMD's (128+N if signal N killed it).
IMAGE stands in place of --rootfs: an image of the store, or one to pull from
its registry (see --pull); without CMD, the container runs the image's own
command.

flags:
%[2]s`

//@ end

// cli runs one command line and returns the exit status.
func cli(args []string) int {
	global := flag.NewFlagSet(prog, flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.BoolVar(&explaining, "explain", false, "narrate each kernel operation on stderr")
	if err := global.Parse(args); err != nil {
		return fail(usageError(err))
	}
	if global.NArg() == 0 {
		return fail(usageError(errors.New("no command given")))
	}
	switch cmd, rest := global.Arg(0), global.Args()[1:]; cmd {
	case "run":
		o, err := parseRun(rest)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Printf(usage, prog, runFlags(&options{}).usage())
			return 0
		}
		if err != nil {
			return fail(err)
		}
		status, err := run(o)
		if err != nil {
			return fail(err)
		}
		return status
	//@ steps 7-
	case "load", "images", "rmi":
		if err := imageCommand(cmd, rest); err != nil {
			return fail(err)
		}
		return 0
	//@ end
	//@ steps 8-
	case "pull":
		if err := pullCommand(rest); err != nil {
			return fail(err)
		}
		return 0
	//@ end
	default:
		return fail(usageError(fmt.Errorf("unknown command %q", cmd)))
	}
}

// flagSet is a flag.FlagSet that reports errors as one line instead of printing usage.
type flagSet struct{ *flag.FlagSet }

func (fs flagSet) usage() string {
	var b []byte
	fs.VisitAll(func(f *flag.Flag) {
		b = fmt.Appendf(b, "  %-14s %s\n", flagName(f.Name), f.Usage)
	})
	return string(b)
}

func runFlags(o *options) flagSet {
	fs := flagSet{flag.NewFlagSet("run", flag.ContinueOnError)}
	fs.SetOutput(io.Discard)
	fs.BoolVar(&explaining, "explain", explaining, "narrate each kernel operation on stderr")
	//@ steps 1-4
	//| fs.StringVar(&o.rootfs, "rootfs", defaultRootfs(), "the root filesystem the container sees as /")
	//@ end
	//@ steps 5-
	fs.StringVar(&o.rootfs, "rootfs", defaultRootfs(), "the root filesystem, read-only; DIR:DIR... stacks several, the first on top")
	//@ end
	//@ steps 2-
	fs.StringVar(&o.hostname, "hostname", "", "the container's hostname (default: its random short id)")
	//@ end
	//@ steps 4-
	fs.Func("memory", "memory limit, e.g. 64m or 1g (swap included)", o.limits.parseMemory)
	fs.Func("cpus", "CPU limit in CPUs, e.g. 0.5", o.limits.parseCPUs)
	fs.Func("pids", "limit on processes and threads, e.g. 100", o.limits.parsePids)
	//@ end
	//@ steps 5-
	fs.BoolVar(&o.keep, "keep", false, "keep the container's changes (its overlay upper directory) after it exits")
	//@ end
	//@ steps 6-
	o.net = netBridge
	fs.Func("net", "network: bridge (default), none (loopback only) or host", o.parseNet)
	fs.Func("p", "publish a port: HOSTPORT:CTRPORT[/tcp|udp], repeatable", o.parsePort)
	//@ end
	//@ steps 8-
	o.pull = "missing"
	fs.Func("pull", "pull the image: missing (default), always or never", o.parsePull)
	fs.Func("insecure-registry", "a registry HOST[:PORT] that may be reached by plain HTTP, repeatable", o.addInsecure)
	//@ end
	return fs
}

// parseRun reads the flags of "run"; the first argument that is not a flag starts the command.
func parseRun(args []string) (options, error) {
	var o options
	fs := runFlags(&o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, usageError(err)
	}
	o.command = fs.Args()
	//@ steps 7-
	if err := o.imageArgument(fs); err != nil {
		return o, err
	}
	//@ end
	//@ steps 0-6
	//| if len(o.command) == 0 {
	//@ end
	//@ steps 7-
	if len(o.command) == 0 && o.image == "" {
		//@ end
		return o, usageError(errors.New("no command to run"))
	}
	//@ steps 2-
	o.id = newID()
	if o.hostname == "" {
		o.hostname = o.id
	}
	if err := checkHostname(o.hostname); err != nil {
		return o, err
	}
	//@ end
	return o, nil
}

// flagName spells a flag as users type it: --rootfs, but -p (the short
// flags Docker users know).
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// usageError says what was wrong with the command line and where to read more.
func usageError(err error) error {
	if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
		err = fmt.Errorf("unknown flag %s", flagName(name))
	}
	// flag says `invalid value "V" for flag -NAME: why`; say "--NAME V: why".
	var value, name string
	if n, _ := fmt.Sscanf(err.Error(), "invalid value %q for flag -%s", &value, &name); n == 2 {
		_, why, _ := strings.Cut(err.Error(), ": ")
		err = fmt.Errorf("%s %s: %s", flagName(strings.TrimSuffix(name, ":")), value, why)
	}
	return &statusError{exitRuntimeError, fmt.Errorf("%v (see '%s run --help')", err, prog)}
}

// fail prints err as the one line the user sees and returns the exit status it carries.
func fail(err error) int {
	fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	return exitRuntimeError
}
