package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// An image's config says how to run it (image-spec, config.md): what
// "docker run IMAGE" runs with no command given, in which directory, as
// whom, with which environment. The runtime follows it as Docker does.

// imageNamed tells whether arg names an image of the store. It reads the
// index without the lock: the index only ever changes by rename.
func imageNamed(arg string) bool {
	s := &store{dir: imagesDir()}
	index, err := s.readIndex()
	if err != nil {
		return false
	}
	_, err = find(index, arg)
	return err == nil
}

// looksLikeImage tells whether arg, which names no image of the store, was
// meant to: a command in the rootfs has no ':', '@' or registry in it.
func looksLikeImage(arg string) bool {
	return !strings.HasPrefix(arg, "/") && !strings.HasPrefix(arg, ".") && strings.ContainsAny(arg, ":@/")
}

// rootfsLowers are the lower directories of the container's overlay: the
// image's layers, or the directories of --rootfs.
func rootfsLowers(o *options) ([]string, *store, error) {
	if o.image == "" {
		lowers, err := checkLowers(o.rootfs)
		return lowers, nil, err
	}
	if err := pullMissing(o); err != nil {
		return nil, nil, err
	}
	lowers, s, err := useImage(o)
	if errors.Is(err, errNoImage) && o.pull == "never" {
		err = fmt.Errorf("image %s: %w", o.image, errPullNever)
	}
	return lowers, s, err
}

// useImage makes o run its image: the image's layers, top first, are the
// lowers of the container's overlay, and its config fills in the command,
// environment, working directory and user. The store stays locked (shared)
// until the caller has recorded that the container uses the image, so that
// rmi cannot remove it in between.
func useImage(o *options) ([]string, *store, error) {
	s, err := openStore(unix.LOCK_SH)
	if err != nil {
		return nil, nil, err
	}
	index, err := s.readIndex()
	if err != nil {
		s.close()
		return nil, nil, err
	}
	i, err := find(index, o.image)
	if err == nil {
		var img *image
		if img, err = s.image(index[i]); err == nil {
			err = o.configure(img)
		}
		if err == nil {
			o.manifest = img.digest
			lowers := s.lowers(img)
			explain("image %s: manifest %s, %d layers", o.image, img.digest, len(lowers))
			return lowers, s, nil
		}
	}
	s.close()
	return nil, nil, err
}

// configure sets what the image's config says, where the command line has
// not: Entrypoint runs with the user's arguments, or else with Cmd.
func (o *options) configure(img *image) error {
	c := img.config.Config
	args := o.command
	if len(args) == 0 {
		args = c.Cmd
	}
	o.command = append(append([]string{}, c.Entrypoint...), args...)
	if len(o.command) == 0 {
		return fmt.Errorf("image %s sets no Entrypoint or Cmd; give a command after the image", o.image)
	}
	// Docker's defaults, then the image's: HOME is left to init, which
	// knows the user's home from the image's /etc/passwd.
	base := []string{"HOSTNAME=" + o.hostname}
	for _, kv := range o.env {
		if !strings.HasPrefix(kv, "HOME=") {
			base = append(base, kv)
		}
	}
	o.env = mergeEnv(base, c.Env)
	searchPath = searchPathOf(o.env)
	o.workdir = c.WorkingDir
	o.user = c.User
	return nil
}

// mergeEnv is base with every VAR=value of over in its place: the image's
// PATH replaces the runtime's default, say.
func mergeEnv(base, over []string) []string {
	env := append([]string{}, base...)
	for _, kv := range over {
		name, _, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			continue
		}
		replaced := false
		for i := range env {
			if strings.HasPrefix(env[i], name+"=") {
				env[i], replaced = kv, true
			}
		}
		if !replaced {
			env = append(env, kv)
		}
	}
	return env
}

// searchPathOf is $PATH of env, where the command is looked up.
func searchPathOf(env []string) string {
	for _, kv := range env {
		if path, ok := strings.CutPrefix(kv, "PATH="); ok {
			return path
		}
	}
	return containerPath
}

// enterWorkdir makes and enters the image's WorkingDir, in init, after
// pivot_root: the path is the container's. Docker makes a missing one.
func enterWorkdir(dir string) error {
	if dir == "" {
		return nil
	}
	explain("mkdir -p %s, chdir(%q)", dir, dir)
	if err := os.MkdirAll(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("working directory: %w", err)
	}
	return os.Chdir(dir)
}

// imageArgument takes the first argument as an image, when --rootfs is not
// given and the store has an image of that name; else the arguments are the
// command, in the default rootfs, as before step 7.
func (o *options) imageArgument(fs flagSet) error {
	o.env = containerEnv()
	rootfsGiven := false
	fs.Visit(func(f *flag.Flag) { rootfsGiven = rootfsGiven || f.Name == "rootfs" })
	if rootfsGiven || len(o.command) == 0 {
		return nil
	}
	arg := o.command[0]
	switch {
	case imageNamed(arg):
		o.image, o.command = arg, o.command[1:]
		if len(o.command) > 0 && o.command[0] == "--" {
			o.command = o.command[1:]
		}
	case pullGiven(fs) || looksLikeImage(arg) && !inDefaultRootfs(o.rootfs, arg):
		// An image to pull: --pull says so, or it looks like a reference
		// and names no command. A bare name ("alpine") stays a command of
		// the default rootfs, as before step 7; write alpine:latest.
		o.image, o.command = arg, o.command[1:]
		if len(o.command) > 0 && o.command[0] == "--" {
			o.command = o.command[1:]
		}
	}
	return nil
}

func pullGiven(fs flagSet) (given bool) {
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "pull" })
	return given
}

func inDefaultRootfs(rootfs, arg string) bool {
	_, err := lookPathIn(rootfs, arg)
	return err == nil
}
