//@ file steps 7-

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/opencontainers/go-digest"
	"golang.org/x/sys/unix"
)

// Images come as files in one of three forms, all tars and JSON:
//
//	OCI layout     a directory: oci-layout, index.json, blobs/sha256/HEX
//	OCI archive    the same directory as a tar (skopeo copy ... oci-archive:F)
//	docker save    a tar with manifest.json: [{Config, RepoTags, Layers}],
//	               each a path in the tar (Docker 25 and later add an OCI layout)
//
// An archive is unpacked into the store's tmp/ first, so all three are read
// as a directory. Every path in them is resolved inside that directory.

// Media types of Docker's own manifests, which OCI's mirror.
const (
	dockerManifest     = "application/vnd.docker.distribution.manifest.v2+json"
	dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
)

// loaded is one image found in the input: its names and its manifest.
type loaded struct {
	names    []string
	manifest digest.Digest
}

// load reads every image of the file or directory at src into the store
// and returns what it loaded.
func load(src string) ([]loaded, error) {
	s, err := openStore(unix.LOCK_EX)
	if err != nil {
		return nil, err
	}
	defer s.close()
	staging, err := s.tempDir("load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(staging)

	info, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", src, errors.Unwrap(err))
	}
	dir := src
	if !info.IsDir() {
		explain("unpack the archive %s into %s", src, staging)
		if err := unpackArchive(src, staging); err != nil {
			return nil, fmt.Errorf("load %s: %w", src, err)
		}
		dir = staging
	}
	in, err := openInput(dir)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", src, err)
	}
	defer in.close()

	var images []loaded
	switch {
	case in.has("manifest.json"):
		images, err = s.loadDockerArchive(in)
	case in.has("oci-layout"):
		images, err = s.loadLayout(in, repositoryOf(src))
	default:
		err = errors.New("neither an OCI layout (no oci-layout file) nor a docker save archive (no manifest.json)")
	}
	if err == nil {
		fault("stored")
		err = s.name(images)
	}
	if err != nil {
		s.rollback()
		return nil, fmt.Errorf("load %s: %w", src, err)
	}
	return images, nil
}

// repositoryOf is the repository an OCI layout's image gets when the
// layout names only its tag: the file's name, "busybox" for busybox.tar.
func repositoryOf(src string) string {
	if abs, err := filepath.Abs(src); err == nil {
		src = abs // "." names the directory it is
	}
	base := filepath.Base(src)
	for _, ext := range []string{".tar", ".oci", ".tgz", ".tar.gz"} {
		base = strings.TrimSuffix(base, ext)
	}
	return strings.ToLower(base)
}

// addLayer unpacks the layer that open reads (name, in errors) into the
// store as layers/HEX of its diff ID, unless it is there already, and
// returns the blob's digest and size. The blob must have digest want and
// size (when known), and its tar digest diffID; until both are checked the
// layer is only in tmp/.
func (s *store) addLayer(open func() (io.ReadCloser, error), name string, want digest.Digest, size int64, diffID digest.Digest) (digest.Digest, int64, error) {
	if err := validDigest(diffID); err != nil {
		return "", 0, fmt.Errorf("diff ID: %w", err)
	}
	if want != "" {
		if err := validDigest(want); err != nil {
			return "", 0, err
		}
		if exists(s.layerPath(diffID)) {
			explain("layer %s is in the store already", diffID)
			return want, size, nil
		}
	}
	f, err := open()
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	var r io.Reader = f
	if size >= 0 {
		r = io.LimitReader(f, size+1) // one byte more says it is too long
	}
	digester := digest.Canonical.Digester()
	counter := &countingWriter{}
	blob := io.TeeReader(r, io.MultiWriter(digester.Hash(), counter))

	unpackTo := ""
	if exists(s.layerPath(diffID)) {
		// Only a docker save tar gets here: its layer names no digest to
		// check, so its tar must be the one the config names.
		if err := checkDiffID(blob, diffID); err != nil {
			return "", 0, fmt.Errorf("layer %s: %w", name, err)
		}
	} else {
		if unpackTo, err = s.tempDir("layer-"); err != nil {
			return "", 0, err
		}
		defer os.RemoveAll(unpackTo) // gone once renamed
		explain("unpack layer %s into %s", diffID, unpackTo)
		got, err := unpackLayer(blob, unpackTo)
		if err != nil {
			// A blob that is not what its digest says is corrupt, and that
			// is the error to report, whatever the unpacking made of it.
			if _, cerr := io.Copy(io.Discard, blob); cerr == nil && want != "" && digester.Digest() != want {
				return "", 0, fmt.Errorf("blob %s: its content has digest %s; the image is corrupt", want, digester.Digest())
			}
			return "", 0, fmt.Errorf("layer %s: %w", name, err)
		}
		fault("unpacked")
		if got != diffID {
			return "", 0, fmt.Errorf("layer %s: its tar has digest %s, where the image's config says %s; the image is corrupt", name, got, diffID)
		}
	}
	if _, err := io.Copy(io.Discard, blob); err != nil { // what the decompressor left unread
		return "", 0, err
	}
	if want != "" && digester.Digest() != want {
		return "", 0, fmt.Errorf("blob %s: its content has digest %s; the image is corrupt", want, digester.Digest())
	}
	if size >= 0 && counter.n != size {
		return "", 0, fmt.Errorf("blob %s: %d bytes, where its descriptor says %d; the image is corrupt", want, counter.n, size)
	}
	if unpackTo != "" {
		// A layer's name says it is whole, and the next load trusts it:
		// its files reach the disk first.
		if err := s.sync(); err != nil {
			return "", 0, err
		}
		explain("rename %s -> %s", unpackTo, s.layerPath(diffID))
		if err := os.Rename(unpackTo, s.layerPath(diffID)); err != nil {
			return "", 0, err
		}
		s.added = append(s.added, s.layerPath(diffID))
	}
	return digester.Digest(), counter.n, nil
}

// checkDiffID reads the layer r, compressed or not, to its end and checks
// its tar's digest.
func checkDiffID(r io.Reader, diffID digest.Digest) error {
	plain, done, err := decompress(r)
	if err != nil {
		return err
	}
	defer done()
	got, err := diffID.Algorithm().FromReader(plain)
	if err != nil {
		return err
	}
	if got != diffID {
		return fmt.Errorf("its tar has digest %s, where the image's config says %s; the image is corrupt", got, diffID)
	}
	return nil
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// name records the loaded images in the index. A name moves to its new
// image; the image it leaves keeps an entry without a name, as Docker's
// "<none>", until rmi removes it.
func (s *store) name(images []loaded) error {
	index, err := s.readIndex()
	if err != nil {
		return err
	}
	for _, img := range images {
		for _, name := range img.names {
			for i := range index {
				if index[i].Name == name {
					index[i].Name = ""
				}
			}
			index = append(index, indexEntry{Name: name, Manifest: img.manifest})
		}
		if len(img.names) == 0 {
			index = append(index, indexEntry{Manifest: img.manifest})
		}
	}
	return s.writeIndex(dropNameless(index))
}

// dropNameless keeps a nameless entry only for an image no name points to,
// and only one.
func dropNameless(index []indexEntry) []indexEntry {
	named := map[digest.Digest]bool{}
	for _, e := range index {
		if e.Name != "" {
			named[e.Manifest] = true
		}
	}
	var out []indexEntry
	for _, e := range index {
		if e.Name == "" {
			if named[e.Manifest] {
				continue
			}
			named[e.Manifest] = true
		}
		out = append(out, e)
	}
	return out
}
