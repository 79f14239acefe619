package tests

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Step 1: its own filesystem view, by chroot into a root filesystem.

var _ = prop(1, "the rootfs is / inside", func(t *testing.T) {
	rootfs := rootfsCopy(t)
	marker := "only in this copy: " + t.Name()
	require.NoError(t, os.WriteFile(filepath.Join(rootfs, "marker"), []byte(marker), 0o644))

	r := run(t, "run", "--rootfs", rootfs, "cat", "/marker")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, marker, r.stdout)

	r = run(t, "run", "--rootfs", rootfs, "pwd")
	assert.Equal(t, "/\n", r.stdout, "the working directory starts at the new /")
})

var _ = prop(1, "a host file outside the rootfs is not visible", func(t *testing.T) {
	hostFile := filepath.Join(t.TempDir(), "host-only")
	require.NoError(t, os.WriteFile(hostFile, []byte("host"), 0o644))

	r := run(t, "run", "--rootfs", busybox(t), "sh", "-c", "test -e "+hostFile+" && echo visible || echo absent")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "absent\n", r.stdout)
})

var _ = prop(1, "without --rootfs the busybox rootfs is used", func(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(busybox(t), rootfsMarker))
	require.NoError(t, err)
	r := run(t, "run", "cat", "/"+rootfsMarker)
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, string(want), r.stdout)
})

var _ = prop(1, "the environment is PATH, HOME and TERM only", func(t *testing.T) {
	r := runWith(t, runOpts{env: []string{"HOST_SECRET=leaked", "TERM=vt100"}}, "run", "--rootfs", busybox(t), "env")
	require.Equal(t, 0, r.status, r.stderr)
	env := strings.Split(strings.TrimSpace(r.stdout), "\n")
	sort.Strings(env)
	assert.Equal(t, []string{"HOME=/root", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=vt100"}, env)
})

var _ = prop(1, "a command is found in the rootfs, not on the host", func(t *testing.T) {
	rootfs := rootfsCopy(t)
	// Only the rootfs has this program; the host has no such command.
	script := "#!/bin/sh\necho inside\n"
	require.NoError(t, os.WriteFile(filepath.Join(rootfs, "bin", "only-in-rootfs"), []byte(script), 0o755))
	r := run(t, "run", "--rootfs", rootfs, "only-in-rootfs")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "inside\n", r.stdout)
})

var _ = prop(1, "a missing rootfs is refused with one line", func(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-rootfs")
	badInput(t, []string{missing}, "run", "--rootfs", missing, "sh")
})

var _ = prop(1, "a rootfs that is a file is refused with one line", func(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	badInput(t, []string{file}, "run", "--rootfs", file, "sh")
})

var _ = prop(1, "a command missing from the rootfs exits 127 with one line", func(t *testing.T) {
	empty := t.TempDir()
	r := badInput(t, []string{"sh"}, "run", "--rootfs", empty, "sh")
	assert.Equal(t, 127, r.status)
})

var _ = prop(1, "only stdin, stdout and stderr reach the command: no descriptor the runtime inherited", func(t *testing.T) {
	// As a shell's "exec 3<secret 4>>log" would leave them open in the runtime.
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(secret, []byte("host-secret\n"), 0o600))
	log := filepath.Join(dir, "log")
	readable, err := os.Open(secret)
	require.NoError(t, err)
	defer readable.Close()
	writable, err := os.OpenFile(log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(t, err)
	defer writable.Close()

	r := runWith(t, runOpts{files: []*os.File{readable, writable}}, "run", "sh", "-c", "cat <&3; echo written-from-inside >&4; echo done")
	assert.Equal(t, "done\n", r.stdout, "stderr: %s", r.stderr)
	assert.NotContains(t, r.stdout, "host-secret", "the container read a host file through an inherited descriptor")
	written, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Empty(t, string(written), "the container wrote a host file through an inherited descriptor")
})
