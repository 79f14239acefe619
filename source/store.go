//@ file steps 7-

package main

import (
	_ "crypto/sha256" // go-digest's SHA-256 comes from here
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	"golang.org/x/sys/unix"
)

// The image store is content addressed: a file is named by the digest of
// its bytes, so a name can never come to mean other bytes, and two images
// that share a layer share its directory.
//
//	images/
//	  lock               flock(2): shared while a run picks its image, exclusive to change the store
//	  images.json        the index: name -> manifest digest
//	  blobs/sha256/HEX   manifests and configs, exactly the bytes their digest names
//	  layers/HEX         each layer unpacked once, named by the digest of its tar (its "diff ID")
//	  tmp/               where a blob or layer is written and checked before it gets its name
//
// Nothing gets its name before its digest is verified: it is written under
// tmp/, checked, then renamed, which is atomic on one filesystem. A load that
// fails removes what it named (rollback); one that dies leaves tmp/, and what
// it named without an image to hold it, for the next writer (openStore).

// Bounds on JSON from an image: an image's documents are a few kilobytes,
// and without a bound a hostile one could exhaust the runtime's memory.
const (
	maxDocument = 4 << 20  // a manifest, index, config or manifest.json
	maxIndex    = 16 << 20 // images.json, our own
)

func imagesDir() string { return filepath.Join(dataDir(), "images") }

// store is the image store, locked.
type store struct {
	dir  string
	lock *os.File

	// added are the blobs and layers this process put in the store, for
	// rollback to remove should the load fail after all.
	added []string
}

// openStore opens the store and takes its lock: unix.LOCK_SH to read it,
// unix.LOCK_EX to change it. Locks are released by close, or by the kernel
// when the process dies.
func openStore(how int) (*store, error) {
	dir := imagesDir()
	for _, d := range []string{filepath.Join(dir, "blobs", "sha256"), filepath.Join(dir, "layers"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("creating the image store: %w", err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the image store: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, &os.PathError{Op: "flock", Path: f.Name(), Err: err}
	}
	s := &store{dir: dir, lock: f}
	if how == unix.LOCK_EX {
		// Only a writer holds the store now: whatever is in tmp/, or is
		// in the store but no image's, was left by a load or rmi that died.
		_ = s.emptyTmp()
		if index, err := s.readIndex(); err == nil {
			_ = s.collect(index)
		}
	}
	return s, nil
}

func (s *store) close() {
	if s != nil && s.lock != nil {
		s.lock.Close()
		s.lock = nil
	}
}

// rollback removes what this process added: a load that fails leaves the
// store as it found it. The lock is still held, so no one can have come to
// use what goes.
func (s *store) rollback() {
	for _, path := range s.added {
		explain("rm -r %s", path)
		_ = os.RemoveAll(path)
	}
	s.added = nil
}

func (s *store) emptyTmp() error {
	tmp := filepath.Join(s.dir, "tmp")
	entries, err := os.ReadDir(tmp)
	for _, e := range entries {
		_ = os.RemoveAll(filepath.Join(tmp, e.Name()))
	}
	return err
}

// tempDir makes a directory under tmp/ for one blob or layer in the making.
func (s *store) tempDir(pattern string) (string, error) {
	return os.MkdirTemp(filepath.Join(s.dir, "tmp"), pattern)
}

func (s *store) blobPath(d digest.Digest) string {
	return filepath.Join(s.dir, "blobs", d.Algorithm().String(), d.Encoded())
}

func (s *store) layerPath(diffID digest.Digest) string {
	return filepath.Join(s.dir, "layers", diffID.Encoded())
}

// putBlob stores data as the blob named d, if its digest is d.
func (s *store) putBlob(d digest.Digest, data []byte) error {
	if err := checkDigest(d, data); err != nil {
		return err
	}
	if exists(s.blobPath(d)) {
		return nil
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "blob-")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), s.blobPath(d))
	}
	if err == nil {
		s.added = append(s.added, s.blobPath(d))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("storing blob %s: %w", d, err)
	}
	return nil
}

// readBlob reads blob d back, at most max bytes, and checks it again: the
// store is on disk, where anyone root can change it.
func (s *store) readBlob(d digest.Digest, max int64) ([]byte, error) {
	data, err := readFileMax(s.blobPath(d), max)
	if err != nil {
		return nil, err
	}
	return data, checkDigest(d, data)
}

// checkDigest refuses data whose digest is not d.
func checkDigest(d digest.Digest, data []byte) error {
	if err := validDigest(d); err != nil {
		return err
	}
	if got := d.Algorithm().FromBytes(data); got != d {
		return fmt.Errorf("blob %s: its content has digest %s; the image is corrupt", d, got)
	}
	return nil
}

// validDigest refuses a digest that is malformed, or of another algorithm
// than SHA-256, which the store names everything by (the spec allows
// sha512 too; no tool in use writes it).
func validDigest(d digest.Digest) error {
	if err := d.Validate(); err != nil {
		return fmt.Errorf("digest %q: %w", d, err)
	}
	if d.Algorithm() != digest.SHA256 {
		return fmt.Errorf("digest %s: only sha256 digests are supported", d)
	}
	return nil
}

// readFileMax reads a whole regular file of at most max bytes.
func readFileMax(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	return data, nil
}

// An indexEntry names one image: the repository and tag it was loaded as,
// and the digest of its manifest. A name given to a newer image leaves the
// older one nameless ("<none>", as Docker lists it), until rmi removes it.
type indexEntry struct {
	Name     string        `json:"name,omitempty"`
	Manifest digest.Digest `json:"manifest"`
}

func (s *store) readIndex() ([]indexEntry, error) {
	data, err := readFileMax(filepath.Join(s.dir, "images.json"), maxIndex)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the image index: %w", err)
	}
	var index []indexEntry
	if err := json.Unmarshal(data, &index); err != nil {
		return nil, fmt.Errorf("reading the image index %s: %w", filepath.Join(s.dir, "images.json"), err)
	}
	return index, nil
}

// writeIndex replaces the index at once, by rename: a reader without the
// lock sees the old index or the new one, never half of one. The new one is
// on disk before the rename, and what it names is too (see sync), so that
// after a power cut the index is whole and names nothing that is not.
func (s *store) writeIndex(index []indexEntry) error {
	data, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(s.dir, "tmp", "images.json")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return err
	}
	if err := s.sync(); err != nil {
		return err
	}
	explain("write %s", filepath.Join(s.dir, "images.json"))
	if err := os.Rename(tmp, filepath.Join(s.dir, "images.json")); err != nil {
		return err
	}
	return s.sync() // the rename too: "Loaded image" must not be lost
}

// sync writes everything of the store's filesystem to disk: syncfs(2), one
// call for the thousands of files a load unpacks, where fsync(2) would take
// one per file and one per directory. Until then a rename may reach the
// disk before the data of what it names, and a power cut leave a named
// blob or layer empty.
func (s *store) sync() error {
	explain("syncfs(%q)", s.dir)
	return os.NewSyscallError("syncfs", unix.Syncfs(int(s.lock.Fd())))
}
