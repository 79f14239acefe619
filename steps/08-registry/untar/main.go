// Command untar unpacks a tar the naive way, as too many programs have: it
// joins each entry's name to the destination and writes there. It is here
// to be attacked (docs/07-images.md); step 7's unpacker (layer.go) is the
// answer.
//
// What it gets wrong: a name with "..", or an absolute one, lands outside
// the destination; and a symlink the tar made first ("evil" -> /tmp) is
// followed by every later entry under it ("evil/planted"), since the
// kernel resolves the path it is given, symlinks and all.
//
//	usage: untar FILE.tar DIR
package main

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: untar FILE.tar DIR")
		os.Exit(2)
	}
	if err := untar(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "untar:", err)
		os.Exit(1)
	}
}

func untar(file, dir string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		path := filepath.Join(dir, hdr.Name) // the mistake: the kernel will follow whatever is on this path
		fmt.Println(path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(path, os.FileMode(hdr.Mode))
		case tar.TypeSymlink:
			err = os.Symlink(hdr.Linkname, path)
		case tar.TypeReg:
			var out *os.File
			if out, err = os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(hdr.Mode)); err == nil {
				_, err = io.Copy(out, tr)
				out.Close()
			}
		}
		if err != nil {
			return err
		}
	}
}
