package tests

import (
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 0: a container starts life as an ordinary child process.

var _ = prop(0, "exit status is the command's", func(t *testing.T) {
	for _, code := range []string{"0", "1", "3", "42", "255"} {
		r := run(t, "run", "sh", "-c", "exit "+code)
		assert.Equal(t, code, itoa(r.status), "sh -c 'exit %s'; stderr: %s", code, r.stderr)
	}
})

var _ = prop(0, "a command killed by signal N exits 128+N", func(t *testing.T) {
	// SIGKILL sent from the host: the one signal that ends a container's
	// command in every step, even once it is PID 1 of its own namespace
	// (which ignores every signal it has no handler for).
	c := start(t, "run", "sh", "-c", "echo ready; read line")
	c.waitFor(t, "ready")
	require.NoError(t, syscall.Kill(c.containerPID(t), syscall.SIGKILL))
	assert.Equal(t, 137, c.wait(t), "stderr: %s", c.stderr)
})

var _ = prop(0, "stdin, stdout and stderr pass through", func(t *testing.T) {
	r := runWith(t, runOpts{stdin: "hello from stdin\n"}, "run", "sh", "-c", "read line; echo \"out: $line\"; echo 'to stderr' >&2")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "out: hello from stdin\n", r.stdout)
	assert.Equal(t, "to stderr\n", r.stderr)
})

var _ = prop(0, "SIGTERM and SIGINT sent to the runtime reach the command", func(t *testing.T) {
	for sig, code := range map[syscall.Signal]string{syscall.SIGTERM: "42", syscall.SIGINT: "43"} {
		// The command traps the signal and exits with a status only it knows;
		// until then it blocks reading the empty stdin.
		c := start(t, "run", "sh", "-c", "trap 'exit "+code+"' TERM INT; echo ready; read line")
		c.waitFor(t, "ready")
		require.NoError(t, c.cmd.Process.Signal(sig))
		assert.Equal(t, code, itoa(c.wait(t)), "after %v; stderr: %s", sig, c.stderr)
	}
})

var _ = prop(0, "an unknown command exits 127 with one line", func(t *testing.T) {
	r := badInput(t, []string{"no-such-command"}, "run", "no-such-command")
	assert.Equal(t, 127, r.status)
})

var _ = prop(0, "bad command lines are refused with one line", func(t *testing.T) {
	badInput(t, []string{"--no-such-flag"}, "run", "--no-such-flag", "true")
	badInput(t, []string{"no command"}, "run")
	badInput(t, []string{"bogus"}, "bogus")
})

var _ = prop(0, "--explain narrates the kernel operations", func(t *testing.T) {
	quiet := run(t, "run", "true")
	require.Equal(t, 0, quiet.status, quiet.stderr)
	assert.Empty(t, quiet.stderr, "without --explain the runtime is silent")

	for _, args := range [][]string{{"--explain", "run", "true"}, {"run", "--explain", "true"}} {
		r := run(t, args...)
		require.Equal(t, 0, r.status, r.stderr)
		assert.Contains(t, r.stderr, "execve(", "%q", args)
		assert.Contains(t, r.stderr, "wait4(", "%q", args)
		for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
			assert.True(t, strings.HasPrefix(line, "["), "every narration line names who acts: %q", line)
		}
	}
})
