//@ file steps 7-

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/distribution/reference"
	"github.com/opencontainers/go-digest"
	"golang.org/x/sys/unix"
)

// listImages prints the store's images, as "docker images" does; verbose
// adds what each runs and the ports it says it listens on (ExposedPorts,
// which only documents them: -p publishes).
func listImages(w io.Writer, verbose bool) error {
	s, err := openStore(unix.LOCK_SH)
	if err != nil {
		return err
	}
	defer s.close()
	index, err := s.readIndex()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	header := "REPOSITORY\tTAG\tDIGEST\tCREATED\tSIZE"
	if verbose {
		header += "\tCOMMAND\tPORTS"
	}
	fmt.Fprintln(tw, header)
	for _, e := range index {
		img, err := s.image(e)
		if err != nil {
			// One broken image must not hide the others.
			fmt.Fprintf(os.Stderr, "%s: %s: %v\n", prog, familiar(e.Name), err)
			continue
		}
		repository, tag := "<none>", "<none>"
		if ref, err := reference.ParseNormalizedNamed(e.Name); err == nil {
			repository = reference.FamiliarName(ref)
			if tagged, ok := ref.(reference.Tagged); ok {
				tag = tagged.Tag()
			}
		}
		created := "-"
		if img.config.Created != nil {
			created = img.config.Created.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s", repository, tag, e.Manifest.String()[:19], created, humanSize(s.size(img)))
		if verbose {
			c := img.config.Config
			var ports []string
			for port := range c.ExposedPorts {
				ports = append(ports, port)
			}
			sort.Strings(ports)
			fmt.Fprintf(tw, "\t%q\t%s", append(append([]string{}, c.Entrypoint...), c.Cmd...), strings.Join(ports, ","))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// size is what an image's layers take unpacked: a layer shared by two
// images counts in both, as in docker images.
func (s *store) size(img *image) int64 {
	var total int64
	for _, dir := range s.lowers(img) {
		_ = filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if info, err := d.Info(); err == nil {
					total += info.Size()
				}
			}
			return nil
		})
	}
	return total
}

func humanSize(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fGB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fMB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fkB", float64(n)/1e3)
	}
	return fmt.Sprintf("%dB", n)
}

// removeImage removes the name ref (or the image with that digest), then
// every blob and layer no image left in the store refers to. An image a
// running container uses stays.
func removeImage(ref string) ([]string, error) {
	s, err := openStore(unix.LOCK_EX)
	if err != nil {
		return nil, err
	}
	defer s.close()
	index, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	i, err := find(index, ref)
	if err != nil {
		return nil, err
	}
	target := index[i].Manifest
	// A name removes that name; a digest removes the image, every name of it.
	byDigest := isDigestRef(ref) && strings.HasPrefix(target.Encoded(), strings.TrimPrefix(ref, "sha256:"))
	var removed []string
	var kept []indexEntry
	for j, e := range index {
		if j == i || (byDigest && e.Manifest == target) {
			removed = append(removed, e.Name)
			continue
		}
		kept = append(kept, e)
	}
	if !referenced(kept, target) {
		if id := containerUsing(target); id != "" {
			return nil, fmt.Errorf("image %s is used by running container %s; stop it first", ref, id)
		}
	}
	if err := s.writeIndex(kept); err != nil {
		return nil, err
	}
	fault("untagged")
	return removed, s.collect(kept)
}

// isDigestRef tells whether ref names an image by the digest of its manifest.
func isDigestRef(ref string) bool {
	hex := strings.TrimPrefix(ref, "sha256:")
	return hex != ref || (len(hex) >= 12 && strings.Trim(hex, "0123456789abcdef") == "")
}

func referenced(index []indexEntry, d digest.Digest) bool {
	for _, e := range index {
		if e.Manifest == d {
			return true
		}
	}
	return false
}

// containerUsing returns a running container that uses the image whose
// manifest is d, or "".
func containerUsing(d digest.Digest) string {
	paths, _ := filepath.Glob(filepath.Join(recordsDir(), "*.json"))
	for _, path := range paths {
		var rec record
		data, err := os.ReadFile(path)
		if err != nil || json.Unmarshal(data, &rec) != nil {
			continue
		}
		if rec.Image == d && alive(rec.ID) {
			return rec.ID
		}
	}
	return ""
}

// collect removes the blobs and layers that no image of index refers to,
// nor an image a running container uses. If one of those images cannot be
// read, what it refers to cannot be told, and collect removes nothing.
func (s *store) collect(index []indexEntry) error {
	keep := map[string]bool{}
	var roots []digest.Digest
	for _, e := range index {
		roots = append(roots, e.Manifest)
	}
	paths, _ := filepath.Glob(filepath.Join(recordsDir(), "*.json"))
	for _, path := range paths {
		var rec record
		if data, err := os.ReadFile(path); err == nil && json.Unmarshal(data, &rec) == nil && rec.Image != "" {
			roots = append(roots, rec.Image)
		}
	}
	for _, d := range roots {
		img, err := s.image(indexEntry{Manifest: d})
		if err != nil {
			return fmt.Errorf("image %s cannot be read, so nothing is removed from the store: %w; rmi it", d, err)
		}
		keep[s.blobPath(d)] = true
		keep[s.blobPath(img.manifest.Config.Digest)] = true
		for _, dir := range s.lowers(img) {
			keep[dir] = true
		}
	}
	blobs, _ := filepath.Glob(filepath.Join(s.dir, "blobs", "*", "*"))
	layers, _ := filepath.Glob(filepath.Join(s.dir, "layers", "*"))
	for _, path := range append(blobs, layers...) {
		if !keep[path] {
			explain("rm -r %s", path)
			if err := os.RemoveAll(path); err != nil {
				return err
			}
		}
	}
	return nil
}

// imageCommand runs load, images or rmi.
func imageCommand(cmd string, args []string) error {
	verbose := cmd == "images" && len(args) == 1 && args[0] == "--verbose"
	if verbose {
		args = nil
	}
	want := map[string]int{"load": 1, "images": 0, "rmi": 1}[cmd]
	if len(args) != want || (len(args) == 1 && strings.HasPrefix(args[0], "-")) {
		return &statusError{exitRuntimeError, fmt.Errorf("usage: %s %s%s (see '%s --help')", prog, cmd, map[string]string{"load": " FILE|DIR", "images": " [--verbose]", "rmi": " IMAGE"}[cmd], prog)}
	}
	switch cmd {
	case "load":
		images, err := load(args[0])
		if err != nil {
			return err
		}
		for _, img := range images {
			for _, name := range img.names {
				fmt.Printf("Loaded image: %s\n", familiar(name))
			}
			if len(img.names) == 0 {
				fmt.Printf("Loaded image: %s (no name)\n", img.manifest)
			}
		}
	case "images":
		return listImages(os.Stdout, verbose)
	case "rmi":
		removed, err := removeImage(args[0])
		if err != nil {
			return err
		}
		for _, name := range removed {
			if name != "" {
				fmt.Printf("Untagged: %s\n", familiar(name))
			} else {
				fmt.Printf("Deleted: %s\n", args[0])
			}
		}
	}
	return nil
}
