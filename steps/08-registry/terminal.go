package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"

	"golang.org/x/sys/unix"
)

// A process can push bytes into the input of any terminal it holds open
// (the TIOCSTI ioctl), and the host's shell reads them as if typed once
// the container exits: "chmod u+s /bin/sh" typed by the container, run by
// root. So the container never gets the user's terminal. It gets a session
// of its own, and, when the runtime runs on a terminal, a pseudo-terminal
// of its own too: the runtime copies keystrokes to it and its output back,
// as ssh, tmux and every container engine's -t do.

// containerTerminal is the pseudo-terminal of one container.
type containerTerminal struct {
	master  *os.File // the runtime's end
	slave   *os.File // the container's stdin, stdout and stderr, where those are terminals
	user    *os.File // the user's terminal, where output is copied
	raw     *unix.Termios
	copied  chan struct{}
	resized chan os.Signal
}

// attachTerminal gives the container a session of its own, without a
// controlling terminal, and when any of stdin, stdout and stderr is a
// terminal, a pseudo-terminal in its place.
func attachTerminal(cmd *exec.Cmd) (*containerTerminal, error) {
	cmd.SysProcAttr.Setsid = true
	t := &containerTerminal{}
	for _, f := range []*os.File{os.Stdout, os.Stderr, os.Stdin} {
		if t.user == nil && isTerminal(f) {
			t.user = f
		}
	}
	if t.user == nil {
		return nil, nil // no terminal: a session of its own is enough
	}
	master, slave, err := openPty()
	if err != nil {
		return nil, err
	}
	t.master, t.slave = master, slave
	t.resize()
	explain("open(\"/dev/ptmx\"): %s for the container; setsid(), ioctl(TIOCSCTTY) in the child", slave.Name())
	ctty := -1
	if isTerminal(os.Stderr) {
		cmd.Stderr, ctty = slave, 2
	}
	if isTerminal(os.Stdout) {
		cmd.Stdout, ctty = slave, 1
	}
	if isTerminal(os.Stdin) {
		cmd.Stdin, ctty = slave, 0
	}
	cmd.SysProcAttr.Setctty, cmd.SysProcAttr.Ctty = true, ctty
	return t, nil
}

// start copies between the two terminals once the container has started:
// keystrokes in, raw, so that the container's terminal interprets them
// (Ctrl-C becomes its SIGINT, not ours), and output out.
func (t *containerTerminal) start() {
	t.slave.Close() // the container's now; output ends (EIO) when it closes it
	t.copied = make(chan struct{})
	go func() {
		_, _ = io.Copy(t.user, t.master)
		close(t.copied)
	}()
	if isTerminal(os.Stdin) {
		if old, err := unix.IoctlGetTermios(0, unix.TCGETS); err == nil {
			raw := *old
			raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
			raw.Oflag &^= unix.OPOST
			raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
			raw.Cflag = raw.Cflag&^(unix.CSIZE|unix.PARENB) | unix.CS8
			raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
			if unix.IoctlSetTermios(0, unix.TCSETS, &raw) == nil {
				t.raw = old
			}
		}
		go func() { _, _ = io.Copy(t.master, os.Stdin) }()
	}
	t.resized = make(chan os.Signal, 1)
	signal.Notify(t.resized, unix.SIGWINCH)
	go func() {
		for range t.resized {
			t.resize()
		}
	}()
}

// resize gives the container's terminal the size of the user's.
func (t *containerTerminal) resize() {
	if ws, err := unix.IoctlGetWinsize(int(t.user.Fd()), unix.TIOCGWINSZ); err == nil {
		_ = unix.IoctlSetWinsize(int(t.master.Fd()), unix.TIOCSWINSZ, ws)
	}
}

// finish waits for the container's last output, then gives the user back
// the terminal as it was.
func (t *containerTerminal) finish() {
	<-t.copied
	signal.Stop(t.resized)
	close(t.resized)
	if t.raw != nil {
		_ = unix.IoctlSetTermios(0, unix.TCSETS, t.raw)
	}
	t.master.Close()
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// openPty opens a new pseudo-terminal pair on the host's /dev/pts.
func openPty() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(master.Fd())
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN) // ptsname
	if err == nil {
		err = unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0) // unlockpt
	}
	if err == nil {
		slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	}
	if err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("opening a pseudo-terminal: %w", err)
	}
	return master, slave, nil
}
