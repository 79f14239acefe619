package tests

import (
	"archive/tar"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Step 7: images, loaded from files into a content-addressed store.

// familiarName is how the runtime prints a name of ours: without the
// default registry's prefix, which our names do not have.
func familiarName(name string) string { return name }

// assertLoadsAndRuns loads the image from path, finds it in images, runs it,
// and removes it.
func assertLoadsAndRuns(t *testing.T, img testImage, path string) {
	t.Helper()
	r := run(t, "load", path)
	require.Equal(t, 0, r.status, "load %s: %s", path, r.stderr)
	t.Cleanup(func() { run(t, "rmi", img.name) })
	assert.Contains(t, r.stdout, "Loaded image: "+familiarName(img.name))

	repository, tag, _ := strings.Cut(img.name, ":")
	r = run(t, "images")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Regexp(t, `(?m)^`+repository+`\s+`+tag+`\s+sha256:`, r.stdout, "images lists it")

	r = run(t, "run", "--net", "none", img.name, "cat", "/image-mark")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, strings.TrimSuffix(img.name, ":v1")+"\n", r.stdout, "the container runs in the image's layers")
}

var _ = prop(7, "an OCI image layout loads, is listed, and runs", func(t *testing.T) {
	img := baseImage(t)
	img.compress = []string{"gzip", "zstd"}
	dir := filepath.Join(t.TempDir(), "layout")
	img.writeLayout(t, dir, nil)
	assertLoadsAndRuns(t, img, dir)
})

var _ = prop(7, "an OCI archive loads, is listed, and runs", func(t *testing.T) {
	img := baseImage(t)
	img.compress = []string{"gzip", ""}
	dir := filepath.Join(t.TempDir(), "layout")
	img.writeLayout(t, dir, nil)
	archive := filepath.Join(t.TempDir(), "image.tar")
	tarDir(t, dir, archive)
	assertLoadsAndRuns(t, img, archive)
})

var _ = prop(7, "a docker save archive loads, is listed, and runs", func(t *testing.T) {
	img := baseImage(t)
	archive := filepath.Join(t.TempDir(), "image.tar")
	img.writeDockerArchive(t, archive)
	assertLoadsAndRuns(t, img, archive)
})

var _ = prop(7, "a blob whose content does not match its digest is refused, and nothing of it is stored", func(t *testing.T) {
	for _, what := range []string{"layer", "config", "manifest"} {
		t.Run(what, func(t *testing.T) {
			img := baseImage(t)
			blobs, manifestDesc := img.blobs(t)
			var manifest v1.Manifest
			require.NoError(t, jsonUnmarshal(blobs[manifestDesc.Digest], &manifest))
			victim := map[string]digest.Digest{"layer": manifest.Layers[1].Digest, "config": manifest.Config.Digest, "manifest": manifestDesc.Digest}[what]
			dir := filepath.Join(t.TempDir(), "layout")
			img.writeLayout(t, dir, func(d digest.Digest, data []byte) []byte {
				if d != victim {
					return data
				}
				changed := append([]byte{}, data...)
				changed[len(changed)/2] ^= 0x20 // one bit: same size, another digest
				return changed
			})
			before := storeContents(t)
			r := run(t, "load", dir)
			assert.NotZero(t, r.status)
			assertOneLine(t, r.stderr)
			assert.Contains(t, r.stderr, "corrupt")
			assert.ElementsMatch(t, before, storeContents(t), "the image store changed")
			assert.NotContains(t, run(t, "images").stdout, strings.TrimPrefix(strings.Split(img.name, ":")[0], "localhost/"))
		})
	}
})

var _ = prop(7, "a docker save layer that is not the tar its config names is refused, even when the store has that layer", func(t *testing.T) {
	img := baseImage(t)
	loadImage(t, img) // the store has both layers now
	forged := img
	forged.name = uniqueName(t) + ":v1"
	archive := filepath.Join(t.TempDir(), "forged.tar")
	forged.writeDockerArchive(t, archive)
	// Replace the top layer's file with other bytes; the config still names the real tar.
	dir := filepath.Join(t.TempDir(), "unpacked")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	out, err := exec.Command("tar", "-xf", archive, "-C", dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	layer := filepath.Join(dir, digest.FromBytes(img.layers[1]).Encoded(), "layer.tar")
	require.NoError(t, os.WriteFile(layer, layerTar(t, fileEntry("other", "x", 0o644)), 0o644))
	before := storeContents(t)
	r := run(t, "load", dir)
	assert.NotZero(t, r.status, "the forged layer is refused")
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "corrupt")
	assert.ElementsMatch(t, before, storeContents(t), "the image store changed")
})

var _ = prop(7, "an image damaged in the store hides no other image, and rmi removes it", func(t *testing.T) {
	damaged := baseImage(t)
	loadImage(t, damaged)
	other := baseImage(t)
	loadImage(t, other)
	blobs, manifest := damaged.blobs(t)
	var m v1.Manifest
	require.NoError(t, jsonUnmarshal(blobs[manifest.Digest], &m))
	config := filepath.Join(dataDir(), imagesDir, "blobs", "sha256", m.Config.Digest.Encoded())
	require.NoError(t, os.WriteFile(config, []byte("{}"), 0o644))

	third := baseImage(t)
	loadImage(t, third) // a writer, who sweeps the store first
	r := run(t, "images")
	assert.Equal(t, 0, r.status, r.stderr)
	for _, img := range []testImage{other, third} {
		assert.Contains(t, r.stdout, strings.Split(img.name, ":")[0], "images lists the images that are whole")
		r := run(t, "run", "--net", "none", img.name, "cat", "/image-mark")
		assert.Equal(t, 0, r.status, "%s runs: %s", img.name, r.stderr)
	}
	assert.Contains(t, r.stderr, strings.Split(damaged.name, ":")[0], "images names the damaged image on stderr")
	r = run(t, "rmi", damaged.name)
	assert.Equal(t, 0, r.status, "rmi of the damaged image: %s", r.stderr)
	r = run(t, "run", "--net", "none", other.name, "cat", "/image-mark")
	assert.Equal(t, 0, r.status, "the other image still runs: %s", r.stderr)
})

var _ = prop(7, "two images that share layers store them once, and rmi keeps them until the last image goes", func(t *testing.T) {
	a := baseImage(t, fileEntry("only-a", "a\n", 0o644))
	b := a
	b.name = uniqueName(t) + ":v1"
	b.layers = append(append([][]byte{}, a.layers...), layerTar(t, fileEntry("only-b", "b\n", 0o644)))
	layerDir := func(layer []byte) string {
		return filepath.Join(dataDir(), imagesDir, "layers", digest.FromBytes(layer).Encoded())
	}
	loadImage(t, a)
	before := len(storeLayers(t))
	loadImage(t, b)
	assert.Equal(t, before+1, len(storeLayers(t)), "b adds one layer of its own, and shares a's two")

	require.Equal(t, 0, run(t, "rmi", a.name).status)
	for _, layer := range a.layers {
		assert.DirExists(t, layerDir(layer), "b still uses every layer of a")
	}
	r := run(t, "run", "--net", "none", b.name, "cat", "/only-b", "/image-mark")
	require.Equal(t, 0, r.status, r.stderr)

	require.Equal(t, 0, run(t, "rmi", b.name).status)
	for _, layer := range b.layers[1:] {
		assert.NoDirExists(t, layerDir(layer), "no image uses it")
	}
})

var _ = prop(7, "whiteouts and opaque directories hide the files below; a directory deleted and made again has only its new files", func(t *testing.T) {
	img := baseImage(t,
		dirEntry("a", 0o755), fileEntry("a/gone", "x", 0o644), fileEntry("a/kept", "x", 0o644),
		dirEntry("b", 0o755), fileEntry("b/old1", "x", 0o644), fileEntry("b/old2", "x", 0o644),
		dirEntry("c", 0o755), fileEntry("c/old", "x", 0o644),
		dirEntry("d", 0o755), fileEntry("d/old", "x", 0o644),
		dirEntry("e", 0o755), fileEntry("e/old", "x", 0o644),
	)
	img.layers = append(img.layers,
		layerTar(t, whiteoutEntry("a/gone"), dirEntry("b", 0o755), opaqueEntry("b"), fileEntry("b/new", "x", 0o644), whiteoutEntry("c"),
			// Deleted and made again in one layer, in either order: the
			// whiteout applies to the layers below, the new files stay.
			whiteoutEntry("d"), dirEntry("d", 0o755), fileEntry("d/new", "x", 0o644),
			dirEntry("e", 0o755), fileEntry("e/new", "x", 0o644), whiteoutEntry("e")),
		layerTar(t, dirEntry("c", 0o755), fileEntry("c/only", "x", 0o644)),
	)
	loadImage(t, img)
	r := run(t, "run", "--net", "none", img.name, "ls", "-A", "/a", "/b", "/c", "/d", "/e")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "/a:\nkept\n\n/b:\nnew\n\n/c:\nonly\n\n/d:\nnew\n\n/e:\nnew\n", r.stdout)
})

var _ = prop(7, "an image that has one layer twice runs", func(t *testing.T) {
	img := baseImage(t)
	again := layerTar(t, fileEntry("again", "x\n", 0o644))
	img.layers = append(img.layers, again, layerTar(t, fileEntry("between", "y\n", 0o644)), again)
	loadImage(t, img)
	r := run(t, "run", "--net", "none", img.name, "cat", "/again", "/between")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "x\ny\n", r.stdout)
})

var _ = prop(7, "an image without /etc/passwd runs as root", func(t *testing.T) {
	layer, err := dirLayer(busybox(t), func(name string) bool { return name != "etc/passwd" && name != "etc/group" })
	require.NoError(t, err)
	mark := uniqueName(t)
	img := testImage{name: mark + ":v1", layers: [][]byte{layer, layerTar(t, fileEntry("image-mark", mark+"\n", 0o644))}}
	loadImage(t, img)
	r := run(t, "run", "--net", "none", img.name, "sh", "-c", "id -u; id -g; echo $HOME; [ -e /etc/passwd ] || echo no passwd")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "0\n0\n/\nno passwd\n", r.stdout)
})

var _ = prop(7, "hard links, symlinks, setuid bits, modes, owners, xattrs and times survive unpacking", func(t *testing.T) {
	mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	data := fileEntry("data/f", "content\n", 0o640)
	data.hdr.Uid, data.hdr.Gid, data.hdr.ModTime = 1234, 5678, mtime
	// A file capability, as ping has: CAP_NET_RAW (13), permitted and
	// effective, in the kernel's vfs_cap_data revision 2.
	capability := []byte{1, 0, 0, 2, 0, 1 << 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	data.hdr.PAXRecords = map[string]string{"SCHILY.xattr.security.capability": string(capability)}
	img := baseImage(t,
		dirEntry("data", 0o750),
		data,
		hardlinkEntry("data/g", "data/f"),
		symlinkEntry("data/link", "f"),
		fileEntry("data/suid", "#!/bin/sh\n", 0o4755),
		fileEntry("data/sgid", "#!/bin/sh\n", 0o2711),
	)
	loadImage(t, img)
	r := run(t, "run", "--net", "none", img.name, "sh", "-c",
		"stat -c '%a %u %g %Y %h' /data /data/f; [ /data/f -ef /data/g ] && echo same inode; readlink /data/link; cat /data/link; stat -c %a /data/suid /data/sgid")
	require.Equal(t, 0, r.status, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 7, r.stdout)
	assert.Regexp(t, `^750 0 0 \d+ \d+$`, lines[0], "the directory's mode")
	assert.Equal(t, fmt.Sprintf("640 1234 5678 %d 2", mtime.Unix()), lines[1], "mode, owner, mtime and link count of a file")
	assert.Equal(t, "same inode", lines[2], "a hard link is the same inode")
	assert.Equal(t, []string{"f", "content"}, lines[3:5], "a symlink keeps its target")
	assert.Equal(t, []string{"4755", "2711"}, lines[5:7], "setuid and setgid bits")

	// The xattr, read from the layer directory on the host: busybox has no getcap.
	layer := filepath.Join(dataDir(), imagesDir, "layers", digest.FromBytes(img.layers[1]).Encoded())
	value := make([]byte, 64)
	n, err := unix.Getxattr(filepath.Join(layer, "data", "f"), "security.capability", value)
	require.NoError(t, err, "the file capability of data/f")
	assert.Equal(t, capability, value[:n])
})

var _ = prop(7, "a malicious layer is refused, and nothing outside its directory is touched", func(t *testing.T) {
	canary := t.TempDir()
	hostFile := filepath.Join(canary, "host-file")
	require.NoError(t, os.WriteFile(hostFile, []byte("the host's\n"), 0o644))
	up := strings.Repeat("../", 16)
	device := tarEntry{hdr: tar.Header{Typeflag: tar.TypeChar, Name: "dev/sda", Mode: 0o660, Devmajor: 8}}
	overlayXattr := fileEntry("redirected", "x", 0o644)
	overlayXattr.hdr.PAXRecords = map[string]string{"SCHILY.xattr.trusted.overlay.redirect": "/etc"}
	attacks := map[string][]tarEntry{
		"a name with ..":                     {fileEntry(up+hostFile[1:], "pwned\n", 0o644)},
		"an absolute name":                   {fileEntry(hostFile, "pwned\n", 0o644)},
		"a write through a symlink":          {symlinkEntry("evil", canary), fileEntry("evil/host-file", "pwned\n", 0o644)},
		"a write through a relative symlink": {symlinkEntry("evil", up+canary[1:]), fileEntry("evil/new-file", "pwned\n", 0o644)},
		"a directory through a symlink":      {symlinkEntry("evil", canary), dirEntry("evil/new-dir", 0o755)},
		"a hard link to a host file":         {hardlinkEntry("link", hostFile)},
		"a hard link climbing out":           {hardlinkEntry("link", up+hostFile[1:])},
		"a hard link through a symlink":      {symlinkEntry("evil", canary), hardlinkEntry("link", "evil/host-file")},
		"a whiteout through a symlink":       {symlinkEntry("evil", canary), whiteoutEntry("evil/host-file")},
		"an opaque mark through a symlink":   {symlinkEntry("evil", canary), opaqueEntry("evil")},
		"a device node":                      {device},
		"an overlayfs xattr":                 {overlayXattr},
	}
	for name, entries := range attacks {
		t.Run(name, func(t *testing.T) {
			img := baseImage(t)
			img.layers = append(img.layers, layerTar(t, entries...))
			dir := filepath.Join(t.TempDir(), "layout")
			img.writeLayout(t, dir, nil)
			hostBefore := treeSum(t, canary)
			storeBefore := storeContents(t)
			r := run(t, "load", dir)
			assert.NotZero(t, r.status, "the layer is refused")
			assertOneLine(t, r.stderr)
			assert.Equal(t, hostBefore, treeSum(t, canary), "the host's files changed")
			xattr := make([]byte, 8)
			_, err := unix.Lgetxattr(canary, "trusted.overlay.opaque", xattr)
			assert.Error(t, err, "the host directory got an opaque mark")
			assert.ElementsMatch(t, storeBefore, storeContents(t), "the image store changed")
		})
	}
})

var _ = prop(7, "an image of 127 layers runs, with every layer's files", func(t *testing.T) {
	img := baseImage(t)
	for i := len(img.layers); i < 127; i++ { // Docker's limit
		img.layers = append(img.layers, layerTar(t, fileEntry(fmt.Sprintf("layers/%03d", i), fmt.Sprintf("%d\n", i), 0o644)))
	}
	loadImage(t, img)
	r := run(t, "run", "--net", "none", img.name, "sh", "-c", "ls /layers | wc -l; cat /image-mark /layers/002 /layers/126")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, fmt.Sprintf("125\n%s\n2\n126\n", strings.TrimSuffix(img.name, ":v1")), r.stdout)
})

var _ = prop(7, "a load or rmi killed at any phase leaves no image half there, and the next one completes", func(t *testing.T) {
	img := baseImage(t)
	dir := filepath.Join(t.TempDir(), "layout")
	img.writeLayout(t, dir, nil)
	repository := strings.Split(img.name, ":")[0]
	before := storeContents(t)
	for _, f := range storeFaultPoints {
		if f.step > step {
			continue
		}
		fault := runOpts{env: []string{envFault + "=" + f.name}}
		if f.name == "untagged" {
			require.Equal(t, 0, run(t, "load", dir).status)
			r := runWith(t, fault, "rmi", img.name)
			assert.Equal(t, -1, r.status, "RUNT_FAULT=%s: rmi should have died by SIGKILL; stderr: %s", f.name, r.stderr)
		} else {
			r := runWith(t, fault, "load", dir)
			assert.Equal(t, -1, r.status, "RUNT_FAULT=%s: load should have died by SIGKILL; stderr: %s", f.name, r.stderr)
		}
		assert.NotContains(t, run(t, "images").stdout, repository, "after a crash at %s", f.name)

		r := run(t, "load", dir)
		require.Equal(t, 0, r.status, "the load after a crash at %s: %s", f.name, r.stderr)
		r = run(t, "run", "--net", "none", img.name, "cat", "/image-mark")
		assert.Equal(t, 0, r.status, "the image loaded after a crash at %s: %s", f.name, r.stderr)
		require.Equal(t, 0, run(t, "rmi", img.name).status)
		assert.ElementsMatch(t, before, storeContents(t), "the store after a crash at %s, a load and an rmi", f.name)
	}
})

var _ = prop(7, "ten loads of one image at once store it once, whole", func(t *testing.T) {
	img := baseImage(t)
	dir := filepath.Join(t.TempDir(), "layout")
	img.writeLayout(t, dir, nil)
	t.Cleanup(func() { run(t, "rmi", img.name) })
	results := make(chan result, 10)
	for i := 0; i < 10; i++ {
		go func() { results <- runQuiet(bin, "load", dir) }()
	}
	for i := 0; i < 10; i++ {
		r := <-results
		assert.Equal(t, 0, r.status, "a load among ten: %s", r.stderr)
	}
	repository, tag, _ := strings.Cut(img.name, ":")
	assert.Len(t, regexp.MustCompile(`(?m)^`+repository+`\s+`+tag+`\s`).FindAllString(run(t, "images").stdout, -1), 1, "images lists it once")
	for _, layer := range img.layers {
		assert.DirExists(t, filepath.Join(dataDir(), imagesDir, "layers", digest.FromBytes(layer).Encoded()))
	}
	tmp, err := os.ReadDir(filepath.Join(dataDir(), imagesDir, "tmp"))
	require.NoError(t, err)
	assert.Empty(t, tmp, "nothing half made is left in tmp/")
	r := run(t, "run", "--net", "none", img.name, "cat", "/image-mark")
	assert.Equal(t, 0, r.status, r.stderr)
})

var _ = prop(7, "rmi refuses an image a running container uses, and removes it once the container is gone", func(t *testing.T) {
	img := baseImage(t)
	loadImage(t, img)
	c := start(t, "run", "--net", "none", img.name, "sh", "-c", "echo ready; read line")
	c.waitFor(t, "ready")
	r := run(t, "rmi", img.name)
	assert.NotZero(t, r.status, "rmi of an image in use")
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "used by")
	assert.Contains(t, run(t, "images").stdout, strings.Split(img.name, ":")[0], "the image stays")
	c.send(t, "go")
	assert.Equal(t, 0, c.wait(t))
	r = run(t, "rmi", img.name)
	assert.Equal(t, 0, r.status, r.stderr)
	for _, layer := range img.layers[1:] {
		assert.NoDirExists(t, filepath.Join(dataDir(), imagesDir, "layers", digest.FromBytes(layer).Encoded()))
	}
})

var _ = prop(7, "a Debian image of three layers runs, with its packages, its whiteout and its last layer's files", func(t *testing.T) {
	root := filepath.Join(dataDir(), debianRootfs)
	_, err := os.Stat(filepath.Join(root, rootfsMarker))
	need(t, err == nil, "no Debian rootfs at "+root+"; run 'make rootfs-debian'")
	under := func(name string, dirs ...string) bool {
		for _, dir := range dirs {
			if name == dir || strings.HasPrefix(name, dir+"/") {
				return true
			}
		}
		return false
	}
	// As a build makes them: the system, its configuration and state, then
	// a change that deletes the documentation.
	system, err := dirLayer(root, func(name string) bool { return !under(name, "etc", "var") })
	require.NoError(t, err)
	config, err := dirLayer(root, func(name string) bool { return under(name, "etc", "var") })
	require.NoError(t, err)
	change := layerTar(t, whiteoutEntry("usr/share/doc"), fileEntry("etc/image-layers", "three\n", 0o644))
	img := testImage{name: uniqueName(t) + ":v1", layers: [][]byte{system, config, change}, compress: []string{"gzip", "gzip", ""}}
	loadImage(t, img)

	r := run(t, "run", "--net", "none", img.name, "sh", "-c",
		"cat /etc/debian_version /etc/image-layers; dpkg-query -W -f='${Package}\\n' | wc -l; ls /usr/share/doc 2>&1; apt-get --version | head -1")
	require.Equal(t, 0, r.status, r.stderr)
	version, err := os.ReadFile(filepath.Join(root, "etc", "debian_version"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 5, r.stdout)
	assert.Equal(t, strings.TrimSpace(string(version)), lines[0], "the system's files")
	assert.Equal(t, "three", lines[1], "the last layer's files")
	status, err := os.ReadFile(filepath.Join(root, "var", "lib", "dpkg", "status"))
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(strings.Count(string(status), "\nStatus: install ok installed")), lines[2], "dpkg sees every package of the rootfs")
	assert.Contains(t, lines[3], "No such file or directory", "the whiteout deletes /usr/share/doc")
	assert.True(t, strings.HasPrefix(lines[4], "apt "), "apt runs: %q", lines[4])
})

var _ = prop(7, "an archive or layout that leads out through a symlink, or holds a FIFO, is refused, and nothing outside is touched", func(t *testing.T) {
	canary := t.TempDir()
	img := baseImage(t)
	dir := filepath.Join(t.TempDir(), "layout")
	img.writeLayout(t, dir, nil)
	files := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel], err = os.ReadFile(p)
		return err
	}))
	// The archive itself makes evil -> the canary, then writes through it.
	var entries []tarEntry
	entries = append(entries, symlinkEntry("evil", canary), fileEntry("evil/planted", "pwned\n", 0o644), dirEntry("evil/made", 0o755))
	for name, data := range files {
		entries = append(entries, fileEntry(name, string(data), 0o644))
	}
	archive := filepath.Join(t.TempDir(), "evil.tar")
	require.NoError(t, os.WriteFile(archive, layerTar(t, entries...), 0o644))
	before := storeContents(t)
	hostBefore := treeSum(t, canary)
	r := run(t, "load", archive)
	assert.NotZero(t, r.status, "the archive is refused")
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "leads outside")
	assert.Equal(t, hostBefore, treeSum(t, canary), "the host's files changed")
	assert.ElementsMatch(t, before, storeContents(t), "the image store changed")

	// A FIFO where a blob should be: the load must not wait for a writer.
	_, manifest := img.blobs(t)
	blob := filepath.Join(dir, "blobs", "sha256", manifest.Digest.Encoded())
	require.NoError(t, os.Remove(blob))
	require.NoError(t, unix.Mkfifo(blob, 0o644))
	r = run(t, "load", dir)
	assert.NotZero(t, r.status, "a FIFO for a blob is refused")
	assertOneLine(t, r.stderr)
	assert.ElementsMatch(t, before, storeContents(t), "the image store changed")
})

var _ = prop(7, "a sparse file in a layer is refused: a few bytes cannot claim a petabyte", func(t *testing.T) {
	img := baseImage(t)
	img.layers = append(img.layers, sparseLayer(t, "big", 1<<50))
	dir := filepath.Join(t.TempDir(), "layout")
	img.writeLayout(t, dir, nil)
	before := storeContents(t)
	r := run(t, "load", dir)
	assert.NotZero(t, r.status, "the sparse layer is refused")
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "sparse")
	assert.ElementsMatch(t, before, storeContents(t), "the image store changed")
})

var _ = prop(7, "the image's Entrypoint, Cmd, Env, WorkingDir and User are honoured, and images --verbose lists its ExposedPorts", func(t *testing.T) {
	passwd, err := os.ReadFile(filepath.Join(busybox(t), "etc", "passwd"))
	require.NoError(t, err)
	group, err := os.ReadFile(filepath.Join(busybox(t), "etc", "group"))
	require.NoError(t, err)
	img := baseImage(t,
		fileEntry("etc/passwd", string(passwd)+"app:x:1000:1000:app:/home/app:/bin/sh\n", 0o644),
		fileEntry("etc/group", string(group)+"app:x:1000:\nstaff:x:50:\nextra:x:60:nobody,app\nother:x:70:nobody\n", 0o644),
		dirEntry("custom/bin", 0o755),
		fileEntry("custom/bin/report", "#!/bin/sh\necho \"args: $*\"; id; pwd; echo \"A=$A HOME=$HOME PATH=$PATH\"; [ \"$HOSTNAME\" = \"$(hostname)\" ] && echo hostname set\n", 0o755),
	)
	img.config = v1.ImageConfig{
		Entrypoint:   []string{"report", "from-entrypoint"},
		Cmd:          []string{"from-cmd"},
		Env:          []string{"PATH=/custom/bin:/bin", "A=1"},
		WorkingDir:   "/srv/app",
		User:         "app:staff",
		ExposedPorts: map[string]struct{}{"80/tcp": {}, "53/udp": {}},
	}
	loadImage(t, img)

	r := run(t, "images", "--verbose")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Regexp(t, regexp.QuoteMeta(strings.Split(img.name, ":")[0])+`\s.*\["report" "from-entrypoint" "from-cmd"\]\s+53/udp,80/tcp\n`, r.stdout, "images --verbose shows the command and the exposed ports")

	r = run(t, "run", "--net", "none", img.name)
	require.Equal(t, 0, r.status, r.stderr)
	assert.Equal(t, "args: from-entrypoint from-cmd\nuid=1000(app) gid=50(staff) groups=50(staff)\n/srv/app\nA=1 HOME=/home/app PATH=/custom/bin:/bin\nhostname set\n", r.stdout)

	r = run(t, "run", "--net", "none", img.name, "given", "args")
	require.Equal(t, 0, r.status, r.stderr)
	assert.Contains(t, r.stdout, "args: from-entrypoint given args\n", "the command line replaces Cmd, not Entrypoint")
})

var _ = prop(7, "bad image input is one line on stderr, and leaves nothing behind", func(t *testing.T) {
	img := baseImage(t)
	dir := filepath.Join(t.TempDir(), "layout")
	img.writeLayout(t, dir, nil)
	archive := filepath.Join(t.TempDir(), "image.tar")
	tarDir(t, dir, archive)
	data, err := os.ReadFile(archive)
	require.NoError(t, err)
	truncated := filepath.Join(t.TempDir(), "truncated.tar")
	require.NoError(t, os.WriteFile(truncated, data[:len(data)/2], 0o644))
	garbage := filepath.Join(t.TempDir(), "garbage.tar")
	require.NoError(t, os.WriteFile(garbage, []byte(strings.Repeat("not a tar ", 200)), 0o644))
	empty := t.TempDir()

	cases := []struct {
		name     string
		mentions []string
		args     []string
	}{
		{"an image not loaded", []string{"localhost/no-such-image:v1"}, []string{"run", "localhost/no-such-image:v1", "true"}},
		{"a file that does not exist", []string{"/no/such/file.tar"}, []string{"load", "/no/such/file.tar"}},
		{"a file that is no tar", []string{garbage}, []string{"load", garbage}},
		{"a truncated archive", []string{truncated}, []string{"load", truncated}},
		{"a directory that is no layout", []string{empty, "oci-layout"}, []string{"load", empty}},
		{"a bad reference", []string{"Bad Name"}, []string{"rmi", "Bad Name"}},
		{"rmi of an image not loaded", []string{"no-such-image"}, []string{"rmi", "localhost/no-such-image:v1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storeBefore := storeContents(t)
			badInput(t, c.mentions, c.args...)
			assert.ElementsMatch(t, storeBefore, storeContents(t), "the image store changed")
		})
	}
})
