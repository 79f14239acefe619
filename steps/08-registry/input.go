package main

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/opencontainers/go-digest"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sys/unix"
)

// unpackArchive unpacks the tar at src, maybe compressed, into dir. Only
// files, directories and symlinks: that is all a layout or a docker save is.
func unpackArchive(src, dir string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	r, done, err := decompress(f)
	if err != nil {
		return err
	}
	defer done()
	root, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(root)
	u := unpacker{root: root}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the archive: %w", err)
		}
		if err := u.archiveEntry(hdr, tr); err != nil {
			return fmt.Errorf("archive entry %q: %w", hdr.Name, err)
		}
	}
}

// archiveEntry makes one entry of an archive, as a layer's entries are
// made: the archive is hostile input too, and a symlink it makes must not
// lead a later entry out (evil -> /etc, then evil/ld.so.preload).
func (u *unpacker) archiveEntry(hdr *tar.Header, r io.Reader) error {
	name, err := entryName(hdr.Name)
	if err != nil || name == "." {
		return err
	}
	dir, base := path.Split(name)
	parent, err := u.mkdirAll(dir)
	if err != nil {
		return err
	}
	defer unix.Close(parent)
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := unix.Mkdirat(parent, base, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
			return os.NewSyscallError("mkdirat", err)
		}
	case tar.TypeReg:
		return writeFile(parent, base, r)
	case tar.TypeSymlink:
		// Legacy docker save links a layer shared by two images; input.open
		// follows it only inside the directory (RESOLVE_IN_ROOT).
		return os.NewSyscallError("symlinkat", unix.Symlinkat(hdr.Linkname, parent, base))
	}
	return nil
}

// input is a directory an image is read from.
type input struct{ root *os.File }

func openInput(dir string) (*input, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	return &input{root: f}, nil
}

func (in *input) close() { in.root.Close() }

// open opens name inside the input: its symlinks, and "..", resolve as if
// the input's directory were /, never outside it.
func (in *input) open(name string) (*os.File, error) {
	fd, err := unix.Openat2(int(in.root.Fd()), name, &unix.OpenHow{
		// O_NONBLOCK: a FIFO planted in a layout must not hang the load
		// (it is refused below); on a regular file it changes nothing.
		Flags:   unix.O_RDONLY | unix.O_NONBLOCK | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	f := os.NewFile(uintptr(fd), name)
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	return f, nil
}

func (in *input) has(name string) bool {
	f, err := in.open(name)
	if err == nil {
		f.Close()
	}
	return err == nil
}

// readAll reads a whole document of the input, bounded.
func (in *input) readAll(name string) ([]byte, error) {
	f, err := in.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDocument+1))
	if err == nil && len(data) > maxDocument {
		err = fmt.Errorf("%s: larger than %d bytes", name, maxDocument)
	}
	return data, err
}

// blobName is where a layout keeps the blob d.
func blobName(d digest.Digest) string {
	return path.Join("blobs", d.Algorithm().String(), d.Encoded())
}

// A source is where an image's documents and layers come from, each named
// by its descriptor: a layout (input), or from step 8 a registry.
type source interface {
	fetch(desc v1.Descriptor) (io.ReadCloser, error)
}

// fetch opens the blob desc names in the layout.
func (in *input) fetch(desc v1.Descriptor) (io.ReadCloser, error) {
	if err := desc.Digest.Validate(); err != nil {
		return nil, fmt.Errorf("digest %q: %w", desc.Digest, err)
	}
	return in.open(blobName(desc.Digest))
}

// readDocument reads the blob that desc describes, checks its size and
// digest, and stores it.
func (s *store) readDocument(src source, desc v1.Descriptor) ([]byte, error) {
	if err := validDigest(desc.Digest); err != nil {
		return nil, err
	}
	if desc.Size > maxDocument {
		return nil, fmt.Errorf("blob %s: %d bytes, more than a %s may have", desc.Digest, desc.Size, desc.MediaType)
	}
	// A document the store has is not fetched again: its name is its digest.
	if data, err := s.readBlob(desc.Digest, maxDocument); err == nil && int64(len(data)) == desc.Size {
		return data, nil
	}
	blob, err := src.fetch(desc)
	if err != nil {
		return nil, err
	}
	defer blob.Close()
	data, err := io.ReadAll(io.LimitReader(blob, maxDocument+1))
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", desc.Digest, err)
	}
	if int64(len(data)) != desc.Size {
		return nil, fmt.Errorf("blob %s: %d bytes, where its descriptor says %d; the image is corrupt", desc.Digest, len(data), desc.Size)
	}
	return data, s.putBlob(desc.Digest, data)
}
