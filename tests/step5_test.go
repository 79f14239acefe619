package tests

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Step 5: copy-on-write root filesystems, by overlayfs.

// treeSum describes every entry under dir: path, type, mode, and contents or
// link target. Two sums are equal only if nothing in the tree changed.
func treeSum(t *testing.T, dir string) []string {
	t.Helper()
	var sum []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		line := fmt.Sprintf("%s %v", rel, info.Mode())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			line += " -> " + target
		case info.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		sum = append(sum, line)
		return nil
	})
	require.NoError(t, err)
	return sum
}

var keptUpper = regexp.MustCompile(regexp.QuoteMeta(keptReport) + `(\S+)`)

// runKeep runs a script with --keep and returns the kept upper directory,
// removed again when the test ends.
func runKeep(t *testing.T, rootfs, script string) string {
	t.Helper()
	r := run(t, "run", "--keep", "--rootfs", rootfs, "sh", "-c", script)
	require.Equal(t, 0, r.status, r.stderr)
	m := keptUpper.FindStringSubmatch(r.stderr)
	require.NotNil(t, m, "--keep names the upper directory on stderr: %q", r.stderr)
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(m[1])) })
	return m[1]
}

var _ = prop(5, "writes, changes and deletions inside never change the rootfs", func(t *testing.T) {
	rootfs := rootfsCopy(t)
	before := treeSum(t, rootfs)
	r := run(t, "run", "--rootfs", rootfs, "sh", "-c", `set -e
echo changed >> /etc/os-release
rm /etc/passwd
rm -r /usr/sbin
mkdir /new && echo data > /new/file
chmod 700 /bin
ln -sf /nowhere /bin/ls
cat /etc/os-release | grep -c changed`)
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "1\n", r.stdout, "inside, the change is there")
	assert.Equal(t, before, treeSum(t, rootfs), "the rootfs changed")
})

var _ = prop(5, "a deleted rootfs file becomes a whiteout in the upper", func(t *testing.T) {
	upper := runKeep(t, busybox(t), "rm /etc/os-release")
	var st unix.Stat_t
	require.NoError(t, unix.Lstat(filepath.Join(upper, "etc", "os-release"), &st))
	assert.Equal(t, uint32(unix.S_IFCHR), st.Mode&unix.S_IFMT, "a whiteout is a character device")
	assert.Equal(t, uint64(0), st.Rdev, "... numbered 0/0")
})

var _ = prop(5, "a rootfs directory removed and made again becomes opaque in the upper", func(t *testing.T) {
	upper := runKeep(t, busybox(t), "rm -r /usr/sbin && mkdir /usr/sbin && echo only > /usr/sbin/new")
	value := make([]byte, 8)
	n, err := unix.Getxattr(filepath.Join(upper, "usr", "sbin"), "trusted.overlay.opaque", value)
	require.NoError(t, err, "the new /usr/sbin hides the old one with the opaque attribute")
	assert.Equal(t, "y", string(value[:n]))
	entries, err := os.ReadDir(filepath.Join(upper, "usr", "sbin"))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "new", entries[0].Name())
})

var _ = prop(5, "two containers from one rootfs do not see each other's writes", func(t *testing.T) {
	rootfs := busybox(t)
	script := "echo %s > /shared; echo ready; read line; cat /shared; ls /only-%s 2>&1; touch /only-%s; echo done"
	a := start(t, "run", "--rootfs", rootfs, "sh", "-c", fmt.Sprintf(script, "A", "B", "A"))
	b := start(t, "run", "--rootfs", rootfs, "sh", "-c", fmt.Sprintf(script, "B", "A", "B"))
	a.waitFor(t, "ready")
	b.waitFor(t, "ready")
	// Both have written /shared; each must still read its own.
	a.send(t, "go")
	a.waitFor(t, "A")
	a.waitFor(t, "done")
	b.send(t, "go")
	b.waitFor(t, "B")
	b.waitFor(t, "done")
	assert.Equal(t, 0, a.wait(t))
	assert.Equal(t, 0, b.wait(t))
	_, err := os.Stat(filepath.Join(rootfs, "shared"))
	assert.ErrorIs(t, err, fs.ErrNotExist, "nothing reached the rootfs")
})

var _ = prop(5, "several lower directories stack, the first on top", func(t *testing.T) {
	top := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(top, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(top, "etc", "os-release"), []byte("ID=top\n"), 0o644))
	r := run(t, "run", "--rootfs", top+":"+busybox(t), "sh", "-c", "cat /etc/os-release; cat /"+rootfsMarker)
	require.Equal(t, 0, r.status, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "ID=top\n"), "the top layer wins: %q", r.stdout)
	assert.Contains(t, r.stdout, "busybox rootfs", "the lower layer shows through")
})

var _ = prop(5, "no overlay and no container directory remain after exit", func(t *testing.T) {
	before := snapshotHost(t)
	assert.Equal(t, 0, run(t, "run", "sh", "-c", "echo x > /x").status)
	assert.Equal(t, 7, run(t, "run", "sh", "-c", "echo x > /x; exit 7").status)
	c := start(t, "run", "sh", "-c", "echo x > /x; echo ready; read line")
	c.waitFor(t, "ready")
	require.NoError(t, unix.Kill(c.containerPID(t), unix.SIGKILL))
	assert.Equal(t, 137, c.wait(t))
	assertNothingLeftBehind(t, before)
})

var _ = prop(5, "the next run removes the overlay a runtime killed with SIGKILL left", func(t *testing.T) {
	before := snapshotHost(t)
	c := start(t, "run", "sh", "-c", "echo ready; read line")
	c.waitFor(t, "ready")
	c.killRuntime(t)
	info, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	require.Contains(t, string(info), " overlay ", "the dead runtime's overlay is still mounted")

	assert.Equal(t, 0, run(t, "run", "true").status)
	assertNothingLeftBehind(t, before)
})

var _ = prop(5, "a lower that overlayfs refuses is refused with one line", func(t *testing.T) {
	// procfs cannot be an overlay layer.
	badInput(t, []string{"overlay"}, "run", "--rootfs", "/proc/sys:"+busybox(t), "sh")
})

var _ = prop(5, "--keep keeps the changes even when the runtime is killed with SIGKILL", func(t *testing.T) {
	before := snapshotHost(t)
	c := start(t, "run", "--keep", "sh", "-c", "echo kept > /made-inside; hostname; read line")
	c.waitForLine(t)
	id := c.lines.Text() // the hostname defaults to the container's id
	c.killRuntime(t)
	assert.Equal(t, 0, run(t, "run", "true").status) // the reaper runs here
	dir := filepath.Join(dataDir(), containersDir, id)
	defer os.RemoveAll(dir)
	data, err := os.ReadFile(filepath.Join(dir, upperDir, "made-inside"))
	require.NoError(t, err, "the reaper removed a kept container's changes")
	assert.Equal(t, "kept\n", string(data))
	require.NoError(t, os.RemoveAll(dir))
	assertNothingLeftBehind(t, before)
})

var _ = prop(5, "overlay options too long for the kernel blame what is long: here RUNT_DATA", func(t *testing.T) {
	// Ten components of 200 bytes: a valid path, but upperdir and workdir
	// under it fill more than the page mount(2) copies.
	data := t.TempDir() + strings.Repeat("/"+strings.Repeat("d", 200), 10)
	require.NoError(t, os.MkdirAll(data, 0o755))
	before := snapshotHost(t)
	r := runWith(t, runOpts{env: []string{envData + "=" + data}}, "run", "--rootfs", busybox(t), "true")
	assert.NotZero(t, r.status)
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, envData)
	assert.NotContains(t, r.stderr, "lower")
	left, _ := os.ReadDir(filepath.Join(data, containersDir))
	assert.Empty(t, left, "container directories left under the long RUNT_DATA")
	assertNothingLeftBehind(t, before)
})

var _ = prop(5, "a command missing from the rootfs is refused without naming the container's throwaway overlay", func(t *testing.T) {
	r := badInput(t, []string{"no-such-command", "not found"}, "run", "no-such-command")
	assert.NotContains(t, r.stderr, mergedDir)
	assert.NotContains(t, r.stderr, filepath.Join(dataDir(), containersDir))
})

var _ = prop(5, "after a reboot, the next run removes what running containers left in the data directory, and keeps what --keep asked for", func(t *testing.T) {
	// A reboot empties /run (the records), and takes processes, mounts,
	// cgroups and links with it; what stays is the data directory, as
	// made here: two containers that were running, one of them with --keep.
	containers := filepath.Join(dataDir(), containersDir)
	plain, kept := filepath.Join(containers, "0000feedc0de"), filepath.Join(containers, "0000feedbeef")
	for _, dir := range []string{plain, kept} {
		for _, sub := range []string{upperDir, workDir + "/work", mergedDir} {
			require.NoError(t, os.MkdirAll(filepath.Join(dir, sub), 0o755))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, upperDir, "written-before-reboot"), nil, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(kept, keepFile), nil, 0o644))
	t.Cleanup(func() { os.RemoveAll(plain); os.RemoveAll(kept) })

	r := run(t, "run", "true")
	require.Equal(t, 0, r.status, r.stderr)
	assert.NoDirExists(t, plain)
	assert.FileExists(t, filepath.Join(kept, upperDir, "written-before-reboot"))
	assert.NoDirExists(t, filepath.Join(kept, workDir))
	assert.NoDirExists(t, filepath.Join(kept, mergedDir))
})
