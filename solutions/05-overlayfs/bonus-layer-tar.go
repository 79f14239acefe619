// bonus-layer-tar.go: write an overlay upper directory as an OCI image
// layer, a tar on stdout. A whiteout (character device 0/0) becomes an empty
// file .wh.NAME, and an opaque directory (xattr trusted.overlay.opaque=y)
// gets an empty file .wh..wh..opq in it; everything else goes as it is.
// Usage: go run bonus-layer-tar.go UPPER > layer.tar
package main

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bonus-layer-tar UPPER > layer.tar")
		os.Exit(2)
	}
	tw := tar.NewWriter(os.Stdout)
	if err := writeLayer(tw, os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "bonus-layer-tar:", err)
		os.Exit(1)
	}
	if err := tw.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "bonus-layer-tar:", err)
		os.Exit(1)
	}
}

// writeLayer walks upper in lexical order, parents before their contents.
func writeLayer(tw *tar.Writer, upper string) error {
	return filepath.WalkDir(upper, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == upper {
			return err
		}
		rel, _ := filepath.Rel(upper, p)
		name := filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		st := info.Sys().(*syscall.Stat_t)
		if info.Mode()&fs.ModeCharDevice != 0 && st.Rdev == 0 {
			// A whiteout: the OCI layer says "deleted" with a name.
			return tw.WriteHeader(&tar.Header{Name: path.Join(path.Dir(name), ".wh."+path.Base(name)), Typeflag: tar.TypeReg, Mode: 0o600})
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = name
		hdr.Uname, hdr.Gname = "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if info.IsDir() {
			// An opaque directory: its contents replace the lower's.
			value := make([]byte, 1)
			if n, err := syscall.Getxattr(p, "trusted.overlay.opaque", value); err == nil && n == 1 && value[0] == 'y' {
				return tw.WriteHeader(&tar.Header{Name: name + "/.wh..wh..opq", Typeflag: tar.TypeReg, Mode: 0o600})
			}
			return nil
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
}
