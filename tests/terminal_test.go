package tests

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// runOnTerminal runs the binary with a new pseudo-terminal as its stdin,
// stdout and stderr and controlling terminal, as when a learner types the
// command, and returns everything written to the terminal and the status.
func runOnTerminal(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, status, _ := runOnTerminalPending(t, args...)
	return out, status
}

// runOnTerminalPending is runOnTerminal that also says how many bytes wait,
// once the binary has exited, in the terminal's input: what a shell on
// that terminal would read next as typed by the user.
func runOnTerminalPending(t *testing.T, args ...string) (string, int, int) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	defer master.Close()
	require.NoError(t, unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0)) // unlockpt
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)                       // ptsname
	require.NoError(t, err)
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)

	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	require.NoError(t, cmd.Start())

	var out bytes.Buffer
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(&out, master) // ends with EIO once no one holds the terminal
		close(copied)
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(hangLimit):
		_ = cmd.Process.Kill()
		t.Fatalf("%q on a terminal did not finish within %v", args, hangLimit)
	}
	// The test's own end of the terminal is the last open one: the copy
	// above ends once it is closed.
	pending, err := unix.IoctlGetInt(int(slave.Fd()), unix.TIOCINQ)
	require.NoError(t, err)
	slave.Close()
	select {
	case <-copied:
	case <-time.After(hangLimit):
		t.Fatalf("the terminal stayed open after %q exited", args)
	}
	return out.String(), cmd.ProcessState.ExitCode(), pending
}

// buildHelper builds one of the test's own programs in testdata/, static,
// to be copied into a rootfs, unless RUNT_<NAME> names one already built
// (as in the test VM, which has no Go).
func buildHelper(t *testing.T, name string) string {
	t.Helper()
	if built := os.Getenv("RUNT_" + strings.ToUpper(name)); built != "" {
		return built
	}
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", out, "./testdata/"+name)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "building %s: %s", name, msg)
	return out
}
