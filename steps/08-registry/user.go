package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// An image's User is a name or a number, with an optional group:
// "app", "1000", "1000:1000", "app:staff". Names mean what the image's own
// /etc/passwd and /etc/group say, not the host's; so init looks them up
// after pivot_root, where / is the container's and no path can lead out.

// user is who the command runs as.
type user struct {
	uid, gid int
	groups   []int // supplementary groups: gid, and those of /etc/group that list the user
	home     string
}

// lookupUser resolves spec in the container's /etc/passwd and /etc/group.
func lookupUser(spec string) (user, error) {
	u := user{home: "/"}
	name, group, hasGroup := strings.Cut(spec, ":")
	if name == "" {
		name = "0" // root by number: an image without /etc/passwd runs as root too
	}
	passwd, err := readEntries("/etc/passwd")
	if err != nil {
		return u, err
	}
	found := false
	for _, e := range passwd { // name:password:uid:gid:gecos:home:shell
		if len(e) < 7 || (e[0] != name && e[2] != name) {
			continue
		}
		uid, err1 := strconv.Atoi(e[2])
		gid, err2 := strconv.Atoi(e[3])
		if err1 != nil || err2 != nil {
			continue
		}
		u.uid, u.gid, u.home, name, found = uid, gid, e[5], e[0], true
		break
	}
	if !found {
		uid, err := strconv.Atoi(name)
		if err != nil || uid < 0 {
			return u, fmt.Errorf("user %s: no such user in the image's /etc/passwd", name)
		}
		u.uid, u.gid = uid, 0 // a number need not be in /etc/passwd
	}

	groups, err := readEntries("/etc/group")
	if err != nil {
		return u, err
	}
	if hasGroup {
		gid, err := strconv.Atoi(group)
		if err != nil {
			gid = -1
			for _, e := range groups { // name:password:gid:members
				if len(e) >= 4 && e[0] == group {
					gid, _ = strconv.Atoi(e[2])
					break
				}
			}
		}
		if gid < 0 {
			return u, fmt.Errorf("group %s: no such group in the image's /etc/group", group)
		}
		u.gid = gid
	}
	// The primary group is a supplementary group too, as runc and Docker
	// make it: a process that drops its gid (a setgid program) keeps the
	// group's membership, so a file denied to the group stays denied. The
	// groups /etc/group gives the user count only when the user names no
	// group of its own.
	u.groups = []int{u.gid}
	for _, e := range groups {
		if hasGroup || !found || len(e) < 4 {
			continue
		}
		if gid, err := strconv.Atoi(e[2]); err == nil && gid != u.gid && slices.Contains(strings.Split(e[3], ","), name) {
			u.groups = append(u.groups, gid)
		}
	}
	return u, nil
}

// readEntries reads a colon-separated file such as /etc/passwd; an image
// without one has no names in it.
func readEntries(path string) ([][]string, error) {
	data, err := readFileMax(path, maxDocument)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var entries [][]string
	lines := bufio.NewScanner(bytes.NewReader(data))
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			entries = append(entries, strings.Split(line, ":"))
		}
	}
	return entries, lines.Err()
}

// becomeUser makes the calling process u: supplementary groups first (an
// empty list drops the runtime's own), then the group, then the user, as
// after setuid a process may no longer change the other two. Go's syscall
// package changes them in every thread of the process.
func becomeUser(u user) error {
	explain("setgroups(%v), setgid(%d), setuid(%d)", u.groups, u.gid, u.uid)
	if err := syscall.Setgroups(u.groups); err != nil {
		return os.NewSyscallError("setgroups", err)
	}
	if err := syscall.Setgid(u.gid); err != nil {
		return os.NewSyscallError("setgid", err)
	}
	return os.NewSyscallError("setuid", syscall.Setuid(u.uid))
}

// becomeImageUser finishes what the image's config asks of init, after
// pivot_root: its working directory, and its user, with HOME from the
// user's /etc/passwd entry unless the image sets one.
func becomeImageUser(c *initConfig) error {
	searchPath = searchPathOf(c.Env)
	u, err := lookupUser(c.User)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(c.Env, func(kv string) bool { return strings.HasPrefix(kv, "HOME=") }) {
		c.Env = append(c.Env, "HOME="+u.home)
	}
	if err := enterWorkdir(c.Workdir); err != nil {
		return err
	}
	return becomeUser(u)
}
