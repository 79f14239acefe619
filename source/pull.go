//@ file steps 8-

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/distribution/reference"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sys/unix"
)

// pull fetches ref from its registry into the store, as load reads an image
// from a file: the same documents, the same checks, the same store, so a
// pulled image and a loaded one are the same thing. Layers the store has
// already are not fetched; what a pull fetched is named only once all of
// the image is there, and removed if the pull fails.
func pull(ref string, insecure []string) (loaded, error) {
	named, err := parseReference(ref)
	if err != nil {
		return loaded{}, err
	}
	r, err := openRegistry(named, insecure)
	if err != nil {
		return loaded{}, fmt.Errorf("pull %s: %w", familiar(named.String()), err)
	}
	s, err := openStore(unix.LOCK_EX)
	if err != nil {
		return loaded{}, err
	}
	defer s.close()
	img, err := s.pullManifest(r, named)
	if err == nil {
		fault("pulled")
		err = s.name([]loaded{img})
	}
	if err != nil {
		s.rollback()
		return loaded{}, fmt.Errorf("pull %s: %w", familiar(named.String()), err)
	}
	return img, nil
}

// pullManifest resolves named's tag (or digest) to a manifest, through an
// index if the registry offers one, and stores the manifest, its config
// and its layers.
func (s *store) pullManifest(r *registry, named reference.Named) (loaded, error) {
	target := "latest"
	if tagged, ok := named.(reference.Tagged); ok {
		target = tagged.Tag()
	}
	canonical, byDigest := named.(reference.Canonical)
	if byDigest {
		target = canonical.Digest().String()
	}
	desc, data, err := r.resolve(target)
	if err != nil {
		return loaded{}, err
	}
	// A digest names the bytes: the registry must send exactly those. A
	// tag is only a pointer, and its target is whatever digest the bytes
	// have.
	if byDigest && desc.Digest != canonical.Digest() {
		return loaded{}, fmt.Errorf("the registry sent a manifest with digest %s for %s; the image is corrupt", desc.Digest, canonical.Digest())
	}
	explain("%s is %s (%s)", target, desc.Digest, desc.MediaType)
	src := &resolved{registry: r, desc: desc, data: data, progress: newProgress()}
	manifest, err := s.pickManifest(src, desc, 0)
	if err != nil {
		return loaded{}, err
	}
	if err := s.loadManifest(src, manifest); err != nil {
		return loaded{}, err
	}
	return loaded{names: []string{named.String()}, manifest: manifest.Digest}, nil
}

// resolved is the registry, with the document the tag resolved to already
// in hand: fetching it a second time could bring other bytes.
type resolved struct {
	*registry
	desc     v1.Descriptor
	data     []byte
	progress *progress
}

func (r *resolved) fetch(desc v1.Descriptor) (io.ReadCloser, error) {
	if desc.Digest == r.desc.Digest {
		return io.NopCloser(bytes.NewReader(r.data)), nil
	}
	blob, err := r.registry.fetch(desc)
	if err != nil {
		return nil, err
	}
	return r.progress.track(blob, desc.Digest.String()[:19], desc.Size), nil
}

// pullMissing pulls o.image unless the store has it: --pull missing, the
// default. --pull always pulls every time (a tag may have moved), and
// --pull never only says the image is missing.
func pullMissing(o *options) error {
	if o.pull == "never" {
		return nil
	}
	if o.pull == "missing" && imageNamed(o.image) {
		return nil
	}
	_, err := pull(o.image, o.insecure)
	return err
}

// errPullNever is what run says of a missing image with --pull never.
var errPullNever = errors.New("not in the store, and --pull never forbids pulling it")

func (o *options) parsePull(value string) error {
	switch value {
	case "missing", "always", "never":
		o.pull = value
		return nil
	}
	return errors.New("want missing, always or never")
}

func (o *options) addInsecure(host string) error {
	if host == "" || strings.ContainsAny(host, "/ ") {
		return errors.New("want a registry's HOST or HOST:PORT")
	}
	o.insecure = append(o.insecure, host)
	return nil
}

// pullCommand runs "pull [--insecure-registry HOST[:PORT]]... IMAGE".
func pullCommand(args []string) error {
	var o options
	fs := flagSet{flag.NewFlagSet("pull", flag.ContinueOnError)}
	fs.SetOutput(io.Discard)
	fs.BoolVar(&explaining, "explain", explaining, "narrate each request and kernel operation on stderr")
	fs.Func("insecure-registry", "a registry HOST[:PORT] that may be reached by plain HTTP, repeatable", o.addInsecure)
	if err := fs.Parse(args); err != nil {
		return usageError(err)
	}
	if fs.NArg() != 1 {
		return usageError(errors.New("pull takes one image"))
	}
	img, err := pull(fs.Arg(0), o.insecure)
	if err != nil {
		return err
	}
	fmt.Printf("Pulled image: %s (%s)\n", familiar(img.names[0]), img.manifest)
	return nil
}
