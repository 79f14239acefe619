package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 3: pivot_root into the rootfs, the old root detached, a minimal /dev.

var _ = prop(3, "the step-1 chroot escape no longer reaches the host", func(t *testing.T) {
	rootfs := rootfsCopy(t)
	escape := buildEscape(t)
	data, err := os.ReadFile(escape)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(rootfs, "bin", "escape"), data, 0o755))
	hostMarker := filepath.Join(t.TempDir(), "host-marker")
	require.NoError(t, os.WriteFile(hostMarker, []byte("host"), 0o644))

	r := run(t, "run", "--rootfs", rootfs, "/bin/escape", "/bin/sh", "-c",
		"test -e "+hostMarker+" && echo reached-host || cat /"+rootfsMarker)
	require.Equal(t, 0, r.status, r.stderr)
	assert.NotContains(t, r.stdout, "reached-host")
	assert.Contains(t, r.stdout, "busybox rootfs", "after the escape, / is still the rootfs")
})

var _ = prop(3, "the rootfs is the root mount and the old root is gone", func(t *testing.T) {
	r := run(t, "run", "sh", "-c", "cat /proc/self/mountinfo; ls -a /")
	require.Equal(t, 0, r.status, r.stderr)
	assert.NotContains(t, r.stdout, ".oldroot")
	// Under chroot the namespace's root mount is the host's, outside the
	// chroot, so mountinfo has no entry for "/"; after pivot_root it does.
	var root bool
	for _, line := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(line); len(f) > 4 && f[4] == "/" {
			root = true
		}
	}
	assert.True(t, root, "no mount at / in mountinfo:\n%s", r.stdout)
})

var _ = prop(3, "mountinfo inside lists only the container's mounts", func(t *testing.T) {
	r := run(t, "run", "cat", "/proc/self/mountinfo")
	require.Equal(t, 0, r.status, r.stderr)
	var points []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		points = append(points, strings.Fields(line)[4]) // field 5: the mount point
	}
	assert.Subset(t, points, []string{"/", "/proc", "/dev", "/dev/pts", "/dev/shm", "/sys"}, "mountinfo:\n%s", r.stdout)
	// Later steps add mounts of their own, all of them in these places;
	// no mount of the host's (/home, /boot, /var/lib, ...) may show.
	for _, p := range points {
		ok := p == "/" || p == "/sys" || p == "/etc/hosts" || p == "/etc/hostname" || p == "/etc/resolv.conf"
		for _, prefix := range []string{"/proc", "/dev", "/sys/fs/cgroup"} {
			ok = ok || p == prefix || strings.HasPrefix(p, prefix+"/")
		}
		assert.True(t, ok, "%s is not a mount the container makes", p)
	}
})

var _ = prop(3, "/dev holds exactly the minimal set, and its devices work", func(t *testing.T) {
	r := run(t, "run", "ls", "-A", "/dev")
	require.Equal(t, 0, r.status, r.stderr)
	got := strings.Fields(r.stdout)
	sort.Strings(got)
	// No /dev/console: the test's stdin is not a terminal.
	want := []string{"fd", "full", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero"}
	assert.Equal(t, want, got)

	r = run(t, "run", "sh", "-c", "echo gone > /dev/null && head -c 5 /dev/zero | wc -c && head -c 7 /dev/urandom | wc -c && echo x > /dev/full")
	assert.Equal(t, "5\n7\n", r.stdout)
	assert.Contains(t, r.stderr, "No space left on device", "/dev/full is the real full device")
})

var _ = prop(3, "on a terminal, /dev/console is that terminal", func(t *testing.T) {
	out, status := runOnTerminal(t, "run", "sh", "-c", "test -c /dev/console && echo console-ok > /dev/console")
	require.Equal(t, 0, status, "output: %q", out)
	require.Contains(t, out, "console-ok", "written to /dev/console, read from the terminal")
})

var _ = prop(3, "containers sharing a rootfs start together without colliding", func(t *testing.T) {
	const n = 10
	results := make(chan result, n)
	for i := 0; i < n; i++ {
		go func() { results <- runQuiet(bin, "run", "cat", "/"+rootfsMarker) }()
	}
	for i := 0; i < n; i++ {
		r := <-results
		assert.Equal(t, 0, r.status, "stderr: %s", r.stderr)
	}
})

var _ = prop(3, "/sys is read-only", func(t *testing.T) {
	r := run(t, "run", "sh", "-c", "grep ' /sys ' /proc/self/mountinfo; touch /sys/probe")
	assert.NotZero(t, r.status)
	require.NotEmpty(t, r.stdout, "sysfs is mounted at /sys")
	assert.Contains(t, strings.Fields(r.stdout)[5], "ro", "mount options: %s", r.stdout)
	assert.Contains(t, r.stderr, "Read-only file system")
})

var _ = prop(3, "a shared / on the host: the runtime works and no mount propagates back", func(t *testing.T) {
	rootfs := rootfsCopy(t)
	require.NoError(t, os.MkdirAll(filepath.Join(rootfs, "mnt"), 0o755))
	// In a mount namespace of the test's own, make everything shared, as
	// systemd does on most hosts, and make the rootfs a shared mount too.
	script := `set -e
mount --make-rshared /
mount --bind "$ROOTFS" "$ROOTFS"
mount --make-shared "$ROOTFS"
"$BIN" run --rootfs "$ROOTFS" sh -c 'mount -t tmpfs made-in-container /mnt && echo container-ok'
if grep made-in-container /proc/self/mountinfo; then echo propagated; exit 1; fi`
	cmd := exec.Command("unshare", "--mount", "--propagation", "unchanged", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "ROOTFS="+rootfs, "BIN="+bin)
	before := snapshotHost(t)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "container-ok")
	assert.NotContains(t, string(out), "propagated")
	assertNothingLeftBehind(t, before)
})

var _ = prop(3, "a read-only rootfs runs, and the runtime writes nothing into the rootfs", func(t *testing.T) {
	rootfs := rootfsCopy(t)
	before, err := os.ReadDir(rootfs)
	require.NoError(t, err)
	// A read-only bind mount of the rootfs, in a mount namespace of the
	// test's own: pivot_root must need no directory of its own in it.
	script := `set -e
mount --bind "$ROOTFS" "$ROOTFS"
mount -o remount,bind,ro "$ROOTFS"
"$BIN" run --rootfs "$ROOTFS" sh -c 'cat /` + rootfsMarker + `; touch /probe 2>/dev/null || echo read-only'`
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "ROOTFS="+rootfs, "BIN="+bin)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "busybox rootfs")
	if step < 5 { // from step 5 the container writes to its overlay instead
		assert.Contains(t, string(out), "read-only")
	}
	after, err := os.ReadDir(rootfs)
	require.NoError(t, err)
	assert.Equal(t, names(before), names(after), "the rootfs's top directory changed")
})

func names(entries []os.DirEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// buildEscape builds step 1's chroot escape program, static, for any rootfs,
// unless RUNT_ESCAPE names one already built (as in the test VM, which has no Go).
func buildEscape(t *testing.T) string {
	t.Helper()
	if prebuilt := os.Getenv(envEscape); prebuilt != "" {
		return prebuilt
	}
	out := filepath.Join(t.TempDir(), "escape")
	src, err := filepath.Abs("../steps/01-chroot")
	require.NoError(t, err)
	cmd := exec.Command("go", "build", "-o", out, "./escape")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off")
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "building the escape program: %s", msg)
	return out
}

var _ = prop(3, "a process inside cannot type into the host's terminal (TIOCSTI)", func(t *testing.T) {
	rootfs := rootfsCopy(t)
	helper, err := os.ReadFile(buildHelper(t, "tiocsti"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(rootfs, "bin", "tiocsti"), helper, 0o755))
	// Even as nobody: TIOCSTI needs only the terminal, opened or inherited.
	out, status, pending := runOnTerminalPending(t, "run", "--rootfs", rootfs, "sh", "-c", "su -s /bin/sh nobody -c 'tiocsti echo typed-by-the-container'; tiocsti id")
	assert.Equal(t, 0, status, "output: %s", out)
	assert.Contains(t, out, "pushed", "the helper ran (into the container's own terminal)")
	assert.Zero(t, pending, "the container left %d bytes in the host terminal's input, for the host's shell to run", pending)
})
