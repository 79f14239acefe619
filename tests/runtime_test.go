package tests

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// hangLimit bounds any one run of the binary. It is a guard against a hung
// test, never a way to wait for something: tests wait on real events.
const hangLimit = 2 * time.Minute

// result is how one run of the binary ended.
type result struct {
	stdout, stderr string
	status         int
}

// runOpts changes how the binary is started.
type runOpts struct {
	stdin string
	env   []string   // added to the test's own environment
	files []*os.File // inherited as fds 3, 4, ...
}

// run runs the binary under test with args and returns how it ended.
func run(t *testing.T, args ...string) result {
	t.Helper()
	return runWith(t, runOpts{}, args...)
}

func runWith(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), o.env...)
	cmd.ExtraFiles = o.files
	cmd.Stdin = strings.NewReader(o.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %q did not finish within %v; stderr: %s", bin, args, hangLimit, stderr.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("starting %s: %v", bin, err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// runQuiet runs a command and returns how it ended; unlike run it does not
// need the test, so goroutines may call it.
func runQuiet(name string, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), hangLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	status := -1
	if cmd.ProcessState != nil {
		status = cmd.ProcessState.ExitCode()
	}
	if err != nil && status == -1 {
		stderr.WriteString(err.Error())
	}
	return result{stdout.String(), stderr.String(), status}
}

// running is a binary started in the background, for tests that signal it.
type running struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.Reader
	lines  *bufio.Scanner // stdout, line by line
	stderr *bytes.Buffer
	done   chan struct{}
}

// start runs the binary under test in the background. The test reads its
// stdout with waitFor and must call wait.
func start(t *testing.T, args ...string) *running {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	// stdin stays open and empty until the test ends, so "read" in the container blocks.
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	t.Cleanup(func() { in.Close() })
	r := &running{cmd: cmd, stdin: in, stdout: out, lines: bufio.NewScanner(out), stderr: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = r.stderr
	// A process the container leaves behind may hold stderr open; once the
	// runtime has exited, stop copying from it after a while instead of hanging.
	cmd.WaitDelay = 10 * time.Second
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return r
}

// waitFor reads the container's stdout until a line equal to want: the event
// that says the container reached the point the test needs.
func (r *running) waitFor(t *testing.T, want string) {
	t.Helper()
	found := make(chan bool, 1)
	go func() {
		for r.lines.Scan() {
			if r.lines.Text() == want {
				found <- true
				return
			}
		}
		found <- false
	}()
	select {
	case ok := <-found:
		require.True(t, ok, "stdout ended before %q; stderr: %s", want, r.stderr)
	case <-time.After(hangLimit):
		t.Fatalf("no %q on stdout within %v", want, hangLimit)
	}
}

// send writes one line to the container's stdin.
func (r *running) send(t *testing.T, line string) {
	t.Helper()
	_, err := io.WriteString(r.stdin, line+"\n")
	require.NoError(t, err)
}

// waitForLine reads the next line of the container's stdout into r.lines.Text().
func (r *running) waitForLine(t *testing.T) {
	t.Helper()
	got := make(chan bool, 1)
	go func() { got <- r.lines.Scan() }()
	select {
	case ok := <-got:
		require.True(t, ok, "stdout ended; stderr: %s", r.stderr)
	case <-time.After(hangLimit):
		t.Fatalf("no line on stdout within %v", hangLimit)
	}
}

// wait waits for the binary to exit and returns its exit status.
func (r *running) wait(t *testing.T) int {
	t.Helper()
	go func() { _, _ = io.Copy(io.Discard, r.stdout) }()
	exited := make(chan error, 1)
	go func() { exited <- r.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(hangLimit):
		t.Fatalf("still running after %v; stderr: %s", hangLimit, r.stderr)
	}
	close(r.done)
	return r.cmd.ProcessState.ExitCode()
}

// killRuntime sends SIGKILL to the runtime, as a crash or the OOM killer
// would, and waits until the container's process is gone too (Pdeathsig):
// what the runtime had built on the host is then left for the next run.
func (r *running) killRuntime(t *testing.T) {
	t.Helper()
	pidfd, err := unix.PidfdOpen(r.containerPID(t), 0)
	require.NoError(t, err)
	defer unix.Close(pidfd)
	require.NoError(t, r.cmd.Process.Kill())
	r.wait(t)
	// A pidfd becomes readable when its process exits: wait for that event.
	n, err := unix.Poll([]unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}, int(hangLimit.Milliseconds()))
	require.NoError(t, err)
	require.Equal(t, 1, n, "the container's process outlived its runtime")
}

// containerPID is the PID, on the host, of the container's first process
// (its init, until init execs the command): the runtime's only child in
// steps 0 and 1, and from step 2 on its child in a PID namespace of its own
// (other children, such as a helper of the runtime, stay in the host's).
func (r *running) containerPID(t *testing.T) int {
	t.Helper()
	pids := childPIDs(t, r.cmd.Process.Pid)
	own := pidNamespace(r.cmd.Process.Pid)
	var inside []int
	for _, pid := range pids {
		if pidNamespace(pid) != own {
			inside = append(inside, pid)
		}
	}
	if len(inside) == 0 {
		inside = pids
	}
	require.Len(t, inside, 1, "the runtime should have exactly one child in the container (children: %v)", pids)
	return inside[0]
}

// pidNamespace names the PID namespace of pid, e.g. "pid:[4026531836]".
func pidNamespace(pid int) string {
	ns, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid))
	return ns
}

// childPIDs lists the children of pid. Each thread keeps its own list, and a
// Go program forks from whichever thread it runs on, so read them all.
func childPIDs(t *testing.T, pid int) []int {
	t.Helper()
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	require.NoError(t, err)
	var pids []int
	for _, task := range tasks {
		data, err := os.ReadFile(task)
		if err != nil {
			continue // the thread ended
		}
		for _, field := range strings.Fields(string(data)) {
			n, err := strconv.Atoi(field)
			require.NoError(t, err)
			pids = append(pids, n)
		}
	}
	return pids
}

// dataDir is where the runtime keeps root filesystems and state.
func dataDir() string {
	if d := os.Getenv(envData); d != "" {
		return d
	}
	return defaultDataDir
}

// busybox is the rootfs "make rootfs" builds, which the runtime uses by default.
func busybox(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(dataDir(), busyboxRootfs)
	_, err := os.Stat(filepath.Join(dir, rootfsMarker))
	need(t, err == nil, "no busybox rootfs at "+dir+"; run 'make rootfs'")
	return dir
}

// rootfsCopy is a private copy of the busybox rootfs that a test may change.
func rootfsCopy(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "rootfs")
	out, err := exec.Command("cp", "-a", busybox(t), dst).CombinedOutput()
	require.NoError(t, err, "copying the rootfs: %s", out)
	return dst
}
