package main

import (
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// forwardedSignals are the signals a user sends to stop or poke a program.
// Sent to the runtime, they are meant for the container.
var forwardedSignals = []os.Signal{unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT}

// catchSignals starts queueing forwardedSignals instead of letting them kill the
// runtime. Call it before the child starts so that no signal is lost in between.
func catchSignals() chan os.Signal {
	signals := make(chan os.Signal, 16)
	signal.Notify(signals, forwardedSignals...)
	return signals
}

// forwardSignals relays each caught signal to the child until signals is closed.
func forwardSignals(signals chan os.Signal, child *os.Process) {
	for sig := range signals {
		explain("kill(%d, %s)", child.Pid, unix.SignalName(sig.(syscall.Signal)))
		_ = child.Signal(sig) // the child may have exited already; wait4 tells
	}
}

// stopSignals restores the default handling and ends forwardSignals.
func stopSignals(signals chan os.Signal) {
	signal.Stop(signals)
	close(signals)
}
