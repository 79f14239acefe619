package tests

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/stretchr/testify/require"
)

// Image fixtures, made by hand from tar entries and JSON, in the three forms
// step 7 loads: an OCI layout, an OCI archive, and a docker save tar.

// tarEntry is one entry of a hand-made layer.
type tarEntry struct {
	hdr  tar.Header
	body string
}

func fileEntry(name, body string, mode int64) tarEntry {
	return tarEntry{tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(body))}, body}
}

func dirEntry(name string, mode int64) tarEntry {
	return tarEntry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode}}
}

func symlinkEntry(name, target string) tarEntry {
	return tarEntry{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}}
}

func hardlinkEntry(name, target string) tarEntry {
	return tarEntry{hdr: tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target}}
}

// whiteoutEntry deletes path from the layers below (the OCI ".wh." file).
func whiteoutEntry(path string) tarEntry {
	return fileEntry(filepath.Join(filepath.Dir(path), whiteoutPrefix+filepath.Base(path)), "", 0o644)
}

// opaqueEntry hides everything of the layers below in dir.
func opaqueEntry(dir string) tarEntry {
	return fileEntry(filepath.Join(dir, opaqueWhiteout), "", 0o644)
}

// layerTar writes entries as an uncompressed tar, in PAX format (xattrs need it).
func layerTar(t *testing.T, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := e.hdr
		if hdr.ModTime.IsZero() {
			hdr.ModTime = time.Unix(1700000000, 0)
		}
		hdr.Format = tar.FormatPAX
		require.NoError(t, tw.WriteHeader(&hdr))
		_, err := io.WriteString(tw, e.body)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

var busyboxLayerOnce struct {
	sync.Once
	data []byte
	err  error
}

// busyboxLayer is the busybox rootfs of make rootfs as a layer, made once.
func busyboxLayer(t *testing.T) []byte {
	t.Helper()
	root := busybox(t)
	busyboxLayerOnce.Do(func() {
		busyboxLayerOnce.data, busyboxLayerOnce.err = dirLayer(root, func(string) bool { return true })
	})
	require.NoError(t, busyboxLayerOnce.err)
	return busyboxLayerOnce.data
}

// dirLayer is the tree at root as a layer: the entries whose names (relative
// to root) keep accepts, and none of /dev's, as in every image.
func dirLayer(root string, keep func(name string) bool) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == root {
			return err
		}
		name, _ := filepath.Rel(root, path)
		if !keep(name) || strings.HasPrefix(name, "dev/") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(path); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name, hdr.Uname, hdr.Gname = name, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	return buf.Bytes(), err
}

// uniqueName is an image name no other test uses.
func uniqueName(t *testing.T) string {
	b := make([]byte, 4)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "localhost/runt-test-" + hex.EncodeToString(b)
}

// testImage is an image a test builds: its layers, bottom first, as
// uncompressed tars, each compressed as compress says ("", "gzip", "zstd").
type testImage struct {
	name     string // a whole reference, e.g. localhost/runt-test-1a2b3c4d:v1
	layers   [][]byte
	compress []string
	config   v1.ImageConfig
}

// baseImage is busybox plus a layer of the test's own, so that its layers
// are the test's alone.
func baseImage(t *testing.T, top ...tarEntry) testImage {
	mark := uniqueName(t)
	top = append([]tarEntry{fileEntry("image-mark", mark+"\n", 0o644)}, top...)
	return testImage{
		name:   mark + ":v1",
		layers: [][]byte{busyboxLayer(t), layerTar(t, top...)},
		config: v1.ImageConfig{Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
	}
}

// blobs are the image's blobs as a layout holds them, and its manifest.
func (img testImage) blobs(t *testing.T) (map[digest.Digest][]byte, v1.Descriptor) {
	t.Helper()
	blobs := map[digest.Digest][]byte{}
	add := func(mediaType string, data []byte) v1.Descriptor {
		d := digest.FromBytes(data)
		blobs[d] = data
		return v1.Descriptor{MediaType: mediaType, Digest: d, Size: int64(len(data))}
	}
	config := v1.Image{
		Created:  &time.Time{},
		Platform: v1.Platform{OS: "linux", Architecture: runtime.GOARCH},
		Config:   img.config,
		RootFS:   v1.RootFS{Type: "layers"},
	}
	*config.Created = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	manifest := v1.Manifest{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: v1.MediaTypeImageManifest}
	for i, layer := range img.layers {
		config.RootFS.DiffIDs = append(config.RootFS.DiffIDs, digest.FromBytes(layer))
		how := ""
		if i < len(img.compress) {
			how = img.compress[i]
		}
		data, mediaType := compressLayer(t, layer, how)
		manifest.Layers = append(manifest.Layers, add(mediaType, data))
	}
	configData, err := json.Marshal(config)
	require.NoError(t, err)
	manifest.Config = add(v1.MediaTypeImageConfig, configData)
	manifestData, err := json.Marshal(manifest)
	require.NoError(t, err)
	return blobs, add(v1.MediaTypeImageManifest, manifestData)
}

func compressLayer(t *testing.T, layer []byte, how string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	switch how {
	case "gzip":
		zw := gzip.NewWriter(&buf)
		_, err := zw.Write(layer)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		return buf.Bytes(), v1.MediaTypeImageLayerGzip
	case "zstd":
		zw, err := zstd.NewWriter(&buf)
		require.NoError(t, err)
		_, err = zw.Write(layer)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		return buf.Bytes(), v1.MediaTypeImageLayerZstd
	}
	return layer, v1.MediaTypeImageLayer
}

// writeLayout writes the image as an OCI layout directory at dir; change,
// if not nil, may alter any blob on its way to disk.
func (img testImage) writeLayout(t *testing.T, dir string, change func(d digest.Digest, data []byte) []byte) {
	t.Helper()
	blobs, manifest := img.blobs(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755))
	for d, data := range blobs {
		if change != nil {
			data = change(d, data)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "blobs", "sha256", d.Encoded()), data, 0o644))
	}
	manifest.Annotations = map[string]string{v1.AnnotationRefName: img.name}
	writeJSON(t, filepath.Join(dir, "index.json"), v1.Index{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: v1.MediaTypeImageIndex, Manifests: []v1.Descriptor{manifest}})
	writeJSON(t, filepath.Join(dir, "oci-layout"), v1.ImageLayout{Version: v1.ImageLayoutVersion})
}

// writeDockerArchive writes the image as the classic docker save tar: a
// directory per layer with layer.tar in it, the config as HEX.json, and
// manifest.json naming them.
func (img testImage) writeDockerArchive(t *testing.T, path string) {
	t.Helper()
	blobs, manifestDesc := img.blobs(t)
	var manifest v1.Manifest
	require.NoError(t, json.Unmarshal(blobs[manifestDesc.Digest], &manifest))
	files := map[string][]byte{}
	configName := manifest.Config.Digest.Encoded() + ".json"
	files[configName] = blobs[manifest.Config.Digest]
	var layers []string
	for _, l := range manifest.Layers {
		name := l.Digest.Encoded() + "/layer.tar"
		files[name] = blobs[l.Digest]
		layers = append(layers, name)
	}
	entry := []map[string]any{{"Config": configName, "RepoTags": []string{img.name}, "Layers": layers}}
	files["manifest.json"], _ = json.Marshal(entry)
	writeTar(t, path, files)
}

// writeTar writes files, by name, as a tar at path.
func writeTar(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	var entries []tarEntry
	for name, data := range files {
		entries = append(entries, fileEntry(name, string(data), 0o644))
	}
	require.NoError(t, os.WriteFile(path, layerTar(t, entries...), 0o644))
}

// tarDir writes the directory dir as a tar at path (an OCI archive, for a layout).
func tarDir(t *testing.T, dir, path string) {
	t.Helper()
	files := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel], err = os.ReadFile(p)
		return err
	}))
	writeTar(t, path, files)
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

// loadImage loads img as an OCI layout and removes it when the test ends.
func loadImage(t *testing.T, img testImage) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	img.writeLayout(t, dir, nil)
	r := run(t, "load", dir)
	require.Equal(t, 0, r.status, "load: %s", r.stderr)
	t.Cleanup(func() { run(t, "rmi", img.name) })
}

// storeLayers are the layer directories of the image store.
func storeLayers(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(dataDir(), imagesDir, "layers", "*"))
	require.NoError(t, err)
	return dirs
}

// storeContents is every path of the image store but its fixed skeleton.
func storeContents(t *testing.T) []string {
	t.Helper()
	root := filepath.Join(dataDir(), imagesDir)
	var paths []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		switch rel, _ := filepath.Rel(root, path); rel {
		case ".", "lock", "blobs", "blobs/sha256", "layers", "tmp":
			return nil
		}
		paths = append(paths, path)
		if d.IsDir() && filepath.Base(filepath.Dir(path)) == "layers" {
			return fs.SkipDir // a layer counts as one
		}
		return nil
	})
	return paths
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// sparseLayer is a layer of one file, name, that a PAX sparse entry (GNU
// format 1.0) says is size bytes long: a few hundred bytes on the wire.
// archive/tar writes no sparse files, so the blocks are made here.
func sparseLayer(t *testing.T, name string, size int64) []byte {
	t.Helper()
	header := func(name string, typeflag byte, size int) []byte {
		b := make([]byte, 512)
		copy(b, name)
		copy(b[100:], "0000644\x00")
		copy(b[108:], "0000000\x00")
		copy(b[116:], "0000000\x00")
		copy(b[124:], fmt.Sprintf("%011o\x00", size))
		copy(b[136:], "00000000000\x00")
		b[156] = typeflag
		copy(b[257:], "ustar\x0000")
		copy(b[148:], "        ")
		sum := 0
		for _, c := range b {
			sum += int(c)
		}
		copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
		return b
	}
	pad := func(b []byte) []byte { return append(b, make([]byte, (512-len(b)%512)%512)...) }
	record := func(key, value string) string {
		line := " " + key + "=" + value + "\n"
		n := len(line) + 1
		for len(fmt.Sprint(n))+len(line) != n {
			n = len(fmt.Sprint(n)) + len(line)
		}
		return fmt.Sprint(n) + line
	}
	pax := record("GNU.sparse.major", "1") + record("GNU.sparse.minor", "0") +
		record("GNU.sparse.name", name) + record("GNU.sparse.realsize", fmt.Sprint(size))
	// The data: the sparse map (one region, the last byte), then that byte.
	data := pad([]byte(fmt.Sprintf("1\n%d\n1\n", size-1)))
	data = append(data, 'x')
	var out []byte
	out = append(out, header("PaxHeaders/"+name, 'x', len(pax))...)
	out = append(out, pad([]byte(pax))...)
	out = append(out, header(name, '0', len(data))...)
	out = append(out, pad(data)...)
	return append(out, make([]byte, 1024)...)
}
