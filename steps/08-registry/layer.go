package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/opencontainers/go-digest"
	"golang.org/x/sys/unix"
)

// A layer is a tar of the files one build step added or changed. Deletions
// are files too, the OCI whiteouts (image-spec, layer.md):
//
//	dir/.wh.NAME       NAME, from the layers below, is deleted
//	dir/.wh..wh..opq   dir is opaque: nothing of the layers below shows in it
//
// Overlayfs has its own marks for the same two things: a character device
// 0/0 named NAME, and the xattr trusted.overlay.opaque=y on dir. Unpacking
// turns one into the other, so the layer directories stack as the lowers of
// step 5's overlay mount as they are.
//
// A layer is hostile input: its names are chosen by whoever built it. Every
// name is resolved inside the layer's directory by the kernel, with
// openat2(2) RESOLVE_BENEATH, which refuses a ".." that climbs out, absolute
// symlinks and any symlink that leads out; a name that would land outside is
// refused, never clamped, and the layer with it.

const (
	whiteoutPrefix = ".wh."
	opaqueMark     = ".wh..wh..opq"
)

// decompress recognises gzip and zstd by their first bytes, as Docker does;
// anything else is read as a plain tar.
func decompress(r io.Reader) (io.Reader, func(), error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, func() { zr.Close() }, nil
	case bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		return zr, zr.Close, nil
	}
	return br, func() {}, nil
}

// unpackLayer unpacks the layer r, compressed or not, into dir, a new
// directory of the store's tmp/, and returns the digest of the tar itself
// (the layer's diff ID, which the image's config lists).
func unpackLayer(r io.Reader, dir string) (digest.Digest, error) {
	plain, done, err := decompress(r)
	if err != nil {
		return "", err
	}
	defer done()
	digester := digest.Canonical.Digester()
	tarStream := io.TeeReader(plain, digester.Hash())

	// The layer's root is its / in the container: 0755 and root's, unless
	// the tar has an entry for it ("./") that says otherwise.
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", err
	}
	root, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(root)
	u := unpacker{root: root}
	tr := tar.NewReader(tarStream)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("reading the tar: %w", err)
		}
		if err := u.entry(hdr, tr); err != nil {
			return "", fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
	}
	if err := u.setDirTimes(); err != nil {
		return "", err
	}
	// The digest covers the whole tar, its end-of-archive blocks too.
	if _, err := io.Copy(io.Discard, tarStream); err != nil {
		return "", fmt.Errorf("reading the tar: %w", err)
	}
	return digester.Digest(), nil
}

// unpacker applies the entries of one layer to the directory root.
type unpacker struct {
	root int
	dirs []dirTimes // directories, whose times are set last
	// warned says a warning was printed, once for the whole layer.
	warned bool
}

// dirTimes is what setDirTimes needs of a directory's entry: a whole
// tar.Header would keep its PAX records, up to a megabyte each.
type dirTimes struct {
	name         string
	atime, mtime time.Time
}

// entry applies one tar entry.
func (u *unpacker) entry(hdr *tar.Header, r io.Reader) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil // pax defaults for the entries after it, which archive/tar applies
	}
	// A sparse file's few bytes on the wire say how big it is: 3.5 KB can
	// claim a petabyte of zeros, which io.Copy would write out in full.
	if hdr.Typeflag == tar.TypeGNUSparse || hasSparseRecords(hdr) {
		return errors.New("a sparse file: a layer may not carry one")
	}
	name, err := entryName(hdr.Name)
	if err != nil {
		return err
	}
	if name == "." { // the layer's root: nothing to make, only its owner and mode
		if err := unix.Fchownat(u.root, ".", hdr.Uid, hdr.Gid, 0); err != nil {
			return os.NewSyscallError("fchownat", err)
		}
		return os.NewSyscallError("fchmodat", unix.Fchmodat(u.root, ".", uint32(hdr.Mode)&0o7777, 0))
	}
	dir, base := path.Split(name)
	parent, err := u.mkdirAll(dir)
	if err != nil {
		return err
	}
	defer unix.Close(parent)

	switch {
	case base == opaqueMark:
		return setOpaque(parent)
	case strings.HasPrefix(base, whiteoutPrefix+whiteoutPrefix):
		return nil // aufs's own bookkeeping (.wh..wh.plnk and the like), as Docker skips it
	case strings.HasPrefix(base, whiteoutPrefix):
		return whiteout(parent, strings.TrimPrefix(base, whiteoutPrefix))
	}
	// A later entry replaces an earlier one of the same name, as tar -x
	// does; a directory stays and takes the new metadata.
	whitedOut := isWhiteout(parent, base)
	if err := replace(parent, base, hdr.Typeflag == tar.TypeDir); err != nil {
		return err
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := unix.Mkdirat(parent, base, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
			return os.NewSyscallError("mkdirat", err)
		}
		if whitedOut { // deleted below, made again here: only this layer's files
			if err := setOpaqueAt(parent, base); err != nil {
				return err
			}
		}
		u.dirs = append(u.dirs, dirTimes{name, hdr.AccessTime, hdr.ModTime})
	case tar.TypeReg:
		if err := writeFile(parent, base, r); err != nil {
			return err
		}
	case tar.TypeSymlink:
		// The target is only text: it is never followed here, and inside
		// the container it resolves in the container's own root.
		if err := unix.Symlinkat(hdr.Linkname, parent, base); err != nil {
			return os.NewSyscallError("symlinkat", err)
		}
	case tar.TypeLink:
		return u.hardLink(parent, base, hdr.Linkname) // a link shares its target's metadata
	case tar.TypeFifo:
		if err := unix.Mknodat(parent, base, unix.S_IFIFO|0o600, 0); err != nil {
			return os.NewSyscallError("mknodat", err)
		}
	case tar.TypeChar, tar.TypeBlock:
		return errors.New("a device node: an image may not carry one (the runtime makes the container's /dev)")
	default:
		return fmt.Errorf("tar entry type %q is not supported", hdr.Typeflag)
	}
	return u.setMetadata(parent, base, hdr)
}

func hasSparseRecords(hdr *tar.Header) bool {
	for key := range hdr.PAXRecords {
		if strings.HasPrefix(key, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// entryName refuses a name that leaves the layer by itself: an absolute
// one, or one that climbs out with "..".
func entryName(name string) (string, error) {
	if path.IsAbs(name) {
		return "", errors.New("an absolute name: a layer's names are relative to its root")
	}
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", errors.New("the name leads outside the layer, through \"..\"")
	}
	return clean, nil
}

// resolveHow resolves a name below the layer's root, never above it, and
// never through /proc's magic links.
var resolveHow = unix.OpenHow{
	Flags:   unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC,
	Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
}

// mkdirAll opens directory dir of the layer, making what is missing of it
// (a tar need not list a file's directories before the file).
func (u *unpacker) mkdirAll(dir string) (int, error) {
	fd, err := unix.Openat2(u.root, "./"+dir, &resolveHow)
	if !errors.Is(err, unix.ENOENT) {
		return fd, beneathError(dir, err)
	}
	parent, base := path.Split(strings.TrimSuffix(dir, "/"))
	pfd, err := u.mkdirAll(parent)
	if err != nil {
		return -1, err
	}
	defer unix.Close(pfd)
	if err := unix.Mkdirat(pfd, base, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
		return -1, os.NewSyscallError("mkdirat", err)
	}
	fd, err = unix.Openat2(pfd, base, &resolveHow)
	return fd, beneathError(dir, err)
}

// beneathError explains what RESOLVE_BENEATH refused.
func beneathError(name string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EXDEV):
		return fmt.Errorf("%s leads outside the layer, through a symlink", name)
	case errors.Is(err, unix.ELOOP):
		return fmt.Errorf("%s leads through a loop of symlinks or a /proc link", name)
	case errors.Is(err, unix.ENOTDIR):
		return fmt.Errorf("%s is not a directory", name)
	}
	return &os.PathError{Op: "openat2", Path: name, Err: err}
}

// isWhiteout tells whether name in parent is overlayfs's whiteout, a
// character device 0/0.
func isWhiteout(parent int, name string) bool {
	var st unix.Stat_t
	return unix.Fstatat(parent, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFCHR && st.Rdev == 0
}

// replace removes what an earlier entry left at name, unless both are directories.
func replace(parent int, name string, dir bool) error {
	var st unix.Stat_t
	err := unix.Fstatat(parent, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return os.NewSyscallError("fstatat", err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		if dir {
			return nil
		}
		// Through the magic link to parent, then without following name.
		return os.RemoveAll(fmt.Sprintf("/proc/self/fd/%d/%s", parent, name))
	}
	return os.NewSyscallError("unlinkat", unix.Unlinkat(parent, name, 0))
}

// writeFile creates name, which must not exist: O_EXCL and O_NOFOLLOW
// never write through a symlink an earlier entry put there.
func writeFile(parent int, name string, r io.Reader) error {
	fd, err := unix.Openat(parent, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return os.NewSyscallError("openat", err)
	}
	f := os.NewFile(uintptr(fd), name)
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// hardLink links name to target, another name of the same layer.
func (u *unpacker) hardLink(parent int, name, target string) error {
	clean, err := entryName(target)
	if err != nil {
		return fmt.Errorf("hard link to %q: %w", target, err)
	}
	dir, base := path.Split(clean)
	tparent, err := unix.Openat2(u.root, "./"+dir, &resolveHow)
	if err != nil {
		return fmt.Errorf("hard link: %w", beneathError(target, err))
	}
	defer unix.Close(tparent)
	// Flags 0: a symlink is linked itself, not followed.
	if err := unix.Linkat(tparent, base, parent, name, 0); err != nil {
		return fmt.Errorf("hard link to %q: %w", target, os.NewSyscallError("linkat", err))
	}
	return nil
}

// whiteout marks name deleted for the layers below, the overlayfs way. A
// name this layer has itself already hides the ones below.
func whiteout(parent int, name string) error {
	if name == "" || name == "." || name == ".." {
		return fmt.Errorf("a whiteout of %q, which is no name in its directory", name)
	}
	var st unix.Stat_t
	if unix.Fstatat(parent, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
		// This layer has the name itself. A file hides the ones below; a
		// directory must also be opaque, or theirs show through it.
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return setOpaqueAt(parent, name)
		}
		return nil
	}
	if err := unix.Mknodat(parent, name, unix.S_IFCHR|0o000, 0); err != nil {
		return os.NewSyscallError("mknodat (whiteout)", err)
	}
	return nil
}

// setOpaque hides everything of the layers below in directory dir.
func setOpaque(dir int) error { return setOpaqueAt(dir, ".") }

// setOpaqueAt is setOpaque for the directory name in parent.
func setOpaqueAt(parent int, name string) error {
	fd, err := unix.Openat(parent, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("openat", err)
	}
	defer unix.Close(fd)
	return os.NewSyscallError("fsetxattr trusted.overlay.opaque", unix.Fsetxattr(fd, "trusted.overlay.opaque", []byte("y"), 0))
}

// setMetadata gives name the owner, mode, extended attributes and times
// its entry records. chown(2) clears setuid and setgid bits, so the mode
// comes after it.
func (u *unpacker) setMetadata(parent int, name string, hdr *tar.Header) error {
	if err := unix.Fchownat(parent, name, hdr.Uid, hdr.Gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return os.NewSyscallError("fchownat", err)
	}
	if hdr.Typeflag == tar.TypeSymlink {
		return setTimes(parent, name, hdr)
	}
	// fchmodat follows a symlink, but name is none: we just made it.
	if err := unix.Fchmodat(parent, name, uint32(hdr.Mode)&0o7777, 0); err != nil {
		return os.NewSyscallError("fchmodat", err)
	}
	for key, value := range hdr.PAXRecords {
		attr, ok := strings.CutPrefix(key, "SCHILY.xattr.")
		if !ok {
			continue
		}
		// trusted.overlay.* is overlayfs's own: an image setting it could
		// redirect a lookup to another layer's files.
		if strings.HasPrefix(attr, "trusted.overlay.") {
			return fmt.Errorf("the xattr %s is overlayfs's own; an image may not set it", attr)
		}
		err := unix.Lsetxattr(fmt.Sprintf("/proc/self/fd/%d/%s", parent, name), attr, []byte(value), 0)
		if errors.Is(err, unix.ENOTSUP) && strings.HasPrefix(attr, "user.") {
			// tmpfs took no user.* xattrs before Linux 6.6; Docker leaves them out too.
			if !u.warned {
				fmt.Fprintf(os.Stderr, "%s: warning: the store's filesystem takes no user.* xattrs (%s wants %s); left out\n", prog, hdr.Name, attr)
				u.warned = true
			}
			continue
		}
		if err != nil {
			return os.NewSyscallError("lsetxattr "+attr, err)
		}
	}
	if hdr.Typeflag == tar.TypeDir {
		return nil // after everything in it is made (setDirTimes)
	}
	return setTimes(parent, name, hdr)
}

func setTimes(parent int, name string, hdr *tar.Header) error {
	atime := hdr.AccessTime
	if atime.IsZero() {
		atime = hdr.ModTime
	}
	ts := []unix.Timespec{unix.NsecToTimespec(atime.UnixNano()), unix.NsecToTimespec(hdr.ModTime.UnixNano())}
	if hdr.ModTime.Before(time.Unix(0, 0)) {
		ts[1] = unix.Timespec{} // the epoch, for a tar that predates it
	}
	return os.NewSyscallError("utimensat", unix.UtimesNanoAt(parent, name, ts, unix.AT_SYMLINK_NOFOLLOW))
}

// setDirTimes sets each directory's times once everything in it is made,
// deepest first: making an entry changes its directory's mtime. A later
// entry may have replaced a directory with a file: its times go with it.
func (u *unpacker) setDirTimes() error {
	for i := len(u.dirs) - 1; i >= 0; i-- {
		d := u.dirs[i]
		dir, base := path.Split(d.name)
		parent, err := unix.Openat2(u.root, "./"+dir, &resolveHow)
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("entry %q: %w", d.name, beneathError(dir, err))
		}
		err = setTimes(parent, base, &tar.Header{AccessTime: d.atime, ModTime: d.mtime})
		unix.Close(parent)
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("entry %q: %w", d.name, err)
		}
	}
	return nil
}
