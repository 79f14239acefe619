package tests

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
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
	slave.Close()

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
	select {
	case <-copied:
	case <-time.After(hangLimit):
		t.Fatalf("the terminal stayed open after %q exited", args)
	}
	return out.String(), cmd.ProcessState.ExitCode()
}
