package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Step 2: its own hostname, PIDs, mounts and IPC, by namespaces.

var _ = prop(2, "the hostname inside is --hostname and the host's is unchanged", func(t *testing.T) {
	host, err := os.Hostname()
	require.NoError(t, err)
	r := run(t, "run", "--hostname", "inside-box", "hostname")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "inside-box\n", r.stdout)
	after, err := os.Hostname()
	require.NoError(t, err)
	assert.Equal(t, host, after)

	r = run(t, "run", "hostname")
	require.Equal(t, 0, r.status, r.stderr)
	assert.NotEqual(t, host+"\n", r.stdout, "without --hostname the container gets a name of its own")
})

var _ = prop(2, "the command is PID 1", func(t *testing.T) {
	r := run(t, "run", "sh", "-c", "echo $$")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "1\n", r.stdout)
})

var _ = prop(2, "ps inside lists only the container's processes", func(t *testing.T) {
	r := run(t, "run", "sh", "-c", "ps -o pid,comm; exit 0") // the shell stays, ps is its child
	require.Equal(t, 0, r.status, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] // past the header
	var comms []string
	for _, l := range lines {
		f := strings.Fields(l)
		require.Len(t, f, 2, "ps line %q", l)
		comms = append(comms, f[1])
	}
	assert.ElementsMatch(t, []string{"sh", "ps"}, comms, "ps output:\n%s", r.stdout)
})

var _ = prop(2, "namespace inodes differ from the host's", func(t *testing.T) {
	kinds := []string{"uts", "pid", "mnt", "ipc"}
	script := ""
	for _, k := range kinds {
		script += "readlink /proc/self/ns/" + k + "; "
	}
	r := run(t, "run", "sh", "-c", script)
	require.Equal(t, 0, r.status, r.stderr)
	inside := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, inside, len(kinds))
	for i, k := range kinds {
		host, err := os.Readlink("/proc/self/ns/" + k)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(inside[i], k+":["), "inside: %q", inside[i])
		assert.NotEqual(t, host, inside[i], "%s namespace", k)
	}
})

var _ = prop(2, "a mount made inside never appears on the host", func(t *testing.T) {
	before := snapshotHost(t)
	c := start(t, "run", "sh", "-c", "mount -t tmpfs made-inside /tmp && grep -c made-inside /proc/self/mountinfo && echo ready; read line")
	c.waitFor(t, "1") // the container sees its own mount...
	c.waitFor(t, "ready")
	info, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	assert.NotContains(t, string(info), "made-inside", "...and the host, while it runs, does not")
	require.NoError(t, syscall.Kill(c.containerPID(t), syscall.SIGKILL))
	c.wait(t)
	assertNothingLeftBehind(t, before)
})

var _ = prop(2, "a SysV shared memory segment of the host is invisible inside", func(t *testing.T) {
	key := 0x52554e54 // "RUNT"
	id, err := unix.SysvShmGet(key, 4096, unix.IPC_CREAT|0o600)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = unix.SysvShmCtl(id, unix.IPC_RMID, nil) })
	hostView, err := os.ReadFile("/proc/sysvipc/shm")
	require.NoError(t, err)
	require.Contains(t, string(hostView), fmt.Sprint(key), "the host sees its segment")

	r := run(t, "run", "cat", "/proc/sysvipc/shm")
	require.Equal(t, 0, r.status, r.stderr)
	assert.NotContains(t, r.stdout, fmt.Sprint(key))
})

var _ = prop(2, "PID 1 ignoring SIGTERM still dies by SIGKILL", func(t *testing.T) {
	c := start(t, "run", "sh", "-c", "trap '' TERM; echo ready; read line")
	c.waitFor(t, "ready")
	pid := c.containerPID(t)
	require.NoError(t, syscall.Kill(pid, syscall.SIGTERM))
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	assert.Equal(t, 137, c.wait(t), "killed by SIGKILL, not by the ignored SIGTERM")
})

var _ = prop(2, "the container dies with a runtime killed by SIGKILL", func(t *testing.T) {
	c := start(t, "run", "sh", "-c", "echo ready; read line")
	c.waitFor(t, "ready")
	c.killRuntime(t)
})

var _ = prop(2, "abandoned children leave nothing behind after exit", func(t *testing.T) {
	rootfs := rootfsCopy(t)
	// Until step 3 builds /dev, give the shell the /dev/null it opens for "&".
	devNull := filepath.Join(rootfs, "dev", "null")
	require.NoError(t, os.RemoveAll(devNull))
	require.NoError(t, unix.Mknod(devNull, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
	marker := fmt.Sprintf("abandoned-%d", os.Getpid())
	script := fmt.Sprintf(`for i in $(seq 50); do sh -c 'sleep 1000; : %s' & done; echo spawned`, marker)
	r := run(t, "run", "--rootfs", rootfs, "sh", "-c", script)
	require.Equal(t, 0, r.status, r.stderr)
	require.Equal(t, "spawned\n", r.stdout)
	assert.Empty(t, processesMatching(t, marker), "processes of the container outlived it")
})

var _ = prop(2, "a hostname longer than 64 bytes is refused with one line", func(t *testing.T) {
	badInput(t, []string{"hostname", "64"}, "run", "--hostname", strings.Repeat("h", 65), "true")
})

var _ = prop(2, "a hostname that is not RFC 1123 is refused with one line", func(t *testing.T) {
	// A newline would add a line of the user's to the container's /etc/hosts.
	for _, name := range []string{"evil\n10.0.0.1 bank.example", "-dash", "under_score", "a..b", "sp ace"} {
		badInput(t, []string{"--hostname", "RFC 1123"}, "run", "--hostname", name, "true")
	}
	r := run(t, "run", "--hostname", "web-1.example", "hostname")
	assert.Equal(t, "web-1.example\n", r.stdout, r.stderr)
})

// processesMatching lists the host PIDs whose command line contains s.
func processesMatching(t *testing.T, s string) []string {
	t.Helper()
	cmdlines, err := filepath.Glob("/proc/[0-9]*/cmdline")
	require.NoError(t, err)
	var pids []string
	for _, path := range cmdlines {
		data, err := os.ReadFile(path)
		if err == nil && strings.Contains(string(data), s) && !strings.Contains(path, fmt.Sprintf("/%d/", os.Getpid())) {
			pids = append(pids, filepath.Base(filepath.Dir(path)))
		}
	}
	return pids
}

var _ = prop(2, "init and the sentinel refuse to run by hand, and change nothing", func(t *testing.T) {
	// In namespaces of the test's own, so that a binary that obeys cannot
	// harm the host: the shell reports the hostname and / as "init" left them.
	host, err := os.Hostname()
	require.NoError(t, err)
	for _, args := range [][]string{{"init"}, {"init", "--", "true"}, {"sentinel"}} {
		script := `"$0" "$@"; echo "status=$?"; hostname; grep -c " / / .*shared:" /proc/self/mountinfo; exit 0`
		r := runQuiet("unshare", append([]string{"--uts", "--mount", "--propagation", "unchanged", "sh", "-c", script, bin}, args...)...)
		require.Equal(t, 0, r.status, "unshare: %s", r.stderr)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		require.GreaterOrEqual(t, len(lines), 2, "stdout %q", r.stdout)
		assert.NotEqual(t, "status=0", lines[0], "%q was obeyed", args)
		assert.Equal(t, host, lines[1], "%q changed the hostname", args)
		hostShared := runQuiet("grep", "-c", " / / .*shared:", "/proc/self/mountinfo")
		assert.Equal(t, strings.TrimSpace(hostShared.stdout), strings.TrimSpace(strings.Join(lines[2:], "")), "%q changed the propagation of /", args)
		assertOneLine(t, r.stderr)
		assert.Contains(t, r.stderr, " run", "the line says what to use instead")
	}
})

var _ = prop(2, "a command that leads through /proc's magic links is refused, not the runtime run", func(t *testing.T) {
	// The runtime's own check looks at the rootfs on the host, where
	// proc/self/exe is a decoy file; inside, /proc is mounted and the same
	// path is a magic link to the runtime's binary.
	rootfs := rootfsCopy(t)
	require.NoError(t, os.MkdirAll(filepath.Join(rootfs, "proc", "self"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(rootfs, "proc", "self", "exe"), []byte("#!/bin/sh\necho decoy\n"), 0o755))
	require.NoError(t, os.Symlink("/proc/self/exe", filepath.Join(rootfs, "bin", "linked")))
	require.NoError(t, os.WriteFile(filepath.Join(rootfs, "bin", "interpreted"), []byte("#!/proc/self/exe\n"), 0o755))
	for _, name := range []string{"linked", "interpreted"} {
		r := badInput(t, []string{"/proc"}, "run", "--rootfs", rootfs, name, "--help")
		assert.Equal(t, 126, r.status, "%s: stdout %q stderr %q", name, r.stdout, r.stderr)
		assert.NotContains(t, r.stdout+r.stderr, "usage", "%s ran the runtime's binary", name)
	}
	// A plain script still runs.
	require.NoError(t, os.WriteFile(filepath.Join(rootfs, "bin", "script"), []byte("#!/bin/sh\necho script \"$1\"\n"), 0o755))
	r := run(t, "run", "--rootfs", rootfs, "script", "ran")
	assert.Equal(t, "script ran\n", r.stdout, r.stderr)
})

var _ = prop(2, "the container dies with its runtime even when PID 1 drops root", func(t *testing.T) {
	// The kernel clears a process's parent-death signal when it changes its
	// credentials; su here stands for an image's gosu or su-exec entrypoint.
	// PID 1 and two children (step 2 has no /dev/null for a background job).
	c := start(t, "run", "sh", "-c", `exec su -s /bin/sh nobody -c "echo ready; sleep 1000 | sleep 1000"`)
	c.waitFor(t, "ready")
	pid := c.containerPID(t)
	ns := pidNamespace(pid)
	require.NotEmpty(t, ns)
	pidfd, err := unix.PidfdOpen(pid, 0)
	require.NoError(t, err)
	defer unix.Close(pidfd)
	require.NoError(t, c.cmd.Process.Kill())
	c.wait(t)
	// Before any other run, nothing of the container is left.
	n, err := unix.Poll([]unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}, 5000)
	require.NoError(t, err)
	require.Equal(t, 1, n, "PID 1 of the container outlived its runtime by 5 s")
	procs, err := filepath.Glob("/proc/[0-9]*")
	require.NoError(t, err)
	for _, p := range procs {
		// A zombie has ended; it waits only for its new parent to collect it.
		other, err := os.Readlink(p + "/ns/pid")
		if status, _ := os.ReadFile(p + "/status"); err == nil && !strings.Contains(string(status), "State:\tZ") {
			assert.NotEqual(t, ns, other, "%s is still running in the container's PID namespace: %s", p, status)
		}
	}
	assert.Equal(t, 0, run(t, "run", "true").status) // and the next run cleans up
})

var _ = prop(2, "a mount point that is a dangling link in the rootfs is refused with one line naming both", func(t *testing.T) {
	rootfs := rootfsCopy(t)
	require.NoError(t, os.RemoveAll(filepath.Join(rootfs, "proc")))
	require.NoError(t, os.Symlink("/nowhere", filepath.Join(rootfs, "proc")))
	badInput(t, []string{"/proc", "/nowhere"}, "run", "--rootfs", rootfs, "true")
})
