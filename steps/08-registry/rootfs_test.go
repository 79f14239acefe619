package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A rootfs whose /bin/sh is an absolute symlink must be searched inside the
// rootfs: on the host the link would point at the host's own /bin/busybox.
func TestLookPathInFollowsLinksInsideTheRootfs(t *testing.T) {
	rootfs := t.TempDir()
	for _, dir := range []string{"bin", "usr/bin"} {
		if err := os.MkdirAll(filepath.Join(rootfs, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(rootfs, "bin/tool"), []byte("#!/bin/tool\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/bin/tool", filepath.Join(rootfs, "usr/bin/alias")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(rootfs, "bin/hostfile")); err != nil {
		t.Fatal(err)
	}

	for name, want := range map[string]string{"tool": "/bin/tool", "alias": "/usr/bin/alias", "/bin/tool": "/bin/tool"} {
		got, err := lookPathIn(rootfs, name)
		if err != nil || got != want {
			t.Errorf("lookPathIn(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	// /etc/passwd exists on the host, not in the rootfs.
	var se *statusError
	if _, err := lookPathIn(rootfs, "hostfile"); !errors.As(err, &se) || se.status != exitNotFound {
		t.Errorf("a link to a host-only file: %v, want command not found", err)
	}
}

// /proc/self/exe is a magic link: it leads to the runtime's own binary,
// wherever the root is. The runtime must refuse to run it as a command.
func TestLookPathInRefusesMagicLinks(t *testing.T) {
	var se *statusError
	if _, err := lookPathIn("/", "/proc/self/exe"); !errors.As(err, &se) || se.status != exitCannotExec {
		t.Errorf("lookPathIn(\"/\", \"/proc/self/exe\") = %v, want cannot execute", err)
	}
}
