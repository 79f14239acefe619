package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// An image is JSON documents that name each other by digest (the OCI image
// spec, github.com/opencontainers/image-spec):
//
//	index.json ──> manifest ──> config     what to run: Entrypoint, Cmd, Env, User, ...
//	(a layout's)      │                    rootfs.diff_ids: each layer's tar, uncompressed
//	                  └──────> layers      tars, usually gzip'd, bottom layer first
//
// A manifest's digest therefore pins every byte of the image.

// image is one image of the store, read and checked.
type image struct {
	name     string // e.g. docker.io/library/busybox:latest; "" when nameless
	digest   digest.Digest
	manifest v1.Manifest
	config   v1.Image
}

// parseReference normalises a reference the way Docker does: "busybox" is
// docker.io/library/busybox:latest.
func parseReference(s string) (reference.Named, error) {
	ref, err := reference.ParseDockerRef(s)
	if err != nil {
		return nil, fmt.Errorf("image reference %q: %w", s, err)
	}
	return ref, nil
}

// familiar is how people write a name: busybox:latest, not docker.io/library/busybox:latest.
func familiar(name string) string {
	if ref, err := reference.ParseNormalizedNamed(name); err == nil {
		return reference.FamiliarString(ref)
	}
	return name
}

// errNoImage is the error of a reference that names no image in the store.
var errNoImage = errors.New("no such image")

// find returns the index entry that ref names: a name, normalised, or the
// digest of a manifest (sha256:HEX, or at least 12 of its first hex digits).
func find(index []indexEntry, ref string) (int, error) {
	hex, isDigest := strings.CutPrefix(ref, "sha256:")
	if len(hex) >= 12 && strings.Trim(hex, "0123456789abcdef") == "" {
		found := -1
		for i, e := range index {
			if !strings.HasPrefix(e.Manifest.Encoded(), hex) {
				continue
			}
			if found >= 0 && index[found].Manifest != e.Manifest {
				return -1, fmt.Errorf("image %s: ambiguous: more than one image's digest starts so", ref)
			}
			found = i
		}
		if found >= 0 {
			return found, nil
		}
	}
	if isDigest {
		return -1, fmt.Errorf("image %s: %w", ref, errNoImage)
	}
	named, err := parseReference(ref)
	if err != nil {
		return -1, err
	}
	for i, e := range index {
		if e.Name == named.String() {
			return i, nil
		}
	}
	return -1, fmt.Errorf("image %s: %w", familiar(named.String()), errNoImage)
}

// image reads the image that an index entry names, checking every document
// against its digest.
func (s *store) image(e indexEntry) (*image, error) {
	img := &image{name: e.Name, digest: e.Manifest}
	if err := s.readJSON(e.Manifest, &img.manifest); err != nil {
		return nil, err
	}
	if err := s.readJSON(img.manifest.Config.Digest, &img.config); err != nil {
		return nil, err
	}
	if len(img.config.RootFS.DiffIDs) != len(img.manifest.Layers) {
		return nil, fmt.Errorf("image %s: %d layers in its manifest, %d in its config", e.Manifest, len(img.manifest.Layers), len(img.config.RootFS.DiffIDs))
	}
	return img, nil
}

// readJSON reads blob d and decodes it into v.
func (s *store) readJSON(d digest.Digest, v any) error {
	data, err := s.readBlob(d, maxDocument)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("blob %s: %w", d, err)
	}
	return nil
}

// lowers are the image's layer directories as overlay wants them: the top
// layer first, where the manifest lists the bottom one first. A layer the
// image has twice (two build steps that made the same files) is one
// directory, and overlayfs refuses a lower given twice (ELOOP); the upper
// copy decides, so the lower one goes.
func (s *store) lowers(img *image) []string {
	var dirs []string
	seen := map[string]bool{}
	for i := len(img.config.RootFS.DiffIDs) - 1; i >= 0; i-- {
		dir := s.layerPath(img.config.RootFS.DiffIDs[i])
		if !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
	}
	return dirs
}
