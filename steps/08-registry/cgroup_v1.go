package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// cgroup v1, the adapter. A v1 host mounts one tree per controller (or a few
// controllers per tree) under /sys/fs/cgroup: memory/, cpu/, pids/... The
// container gets a directory named runt/ID in each tree it needs, and the
// same operations as in v2 are spelled with v1's file names.
type cgroupV1 struct {
	dirs                    []string // runt/ID in every tree
	memory, cpu, pids, acct string   // the one of dirs that holds each controller
}

// v1Controllers are the controllers a container's cgroup uses.
var v1Controllers = []string{"memory", "cpu", "cpuacct", "pids"}

// v1Hierarchy is one mounted v1 tree.
type v1Hierarchy struct {
	mountpoint  string   // e.g. /sys/fs/cgroup/memory
	controllers []string // e.g. [memory], or [cpu cpuacct] when mounted together
}

// v1Hierarchies lists the mounted v1 trees that hold v1Controllers, from
// the "cgroup" entries of /proc/self/mountinfo.
func v1Hierarchies() ([]v1Hierarchy, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	var hs []v1Hierarchy
	for _, line := range strings.Split(string(data), "\n") {
		// ... mountpoint (field 5) ... - fstype source superoptions
		before, after, ok := strings.Cut(line, " - ")
		fields, tail := strings.Fields(before), strings.Fields(after)
		if !ok || len(fields) < 5 || len(tail) < 3 || tail[0] != "cgroup" {
			continue
		}
		var h v1Hierarchy
		for _, opt := range strings.Split(tail[2], ",") {
			if slices.Contains(v1Controllers, opt) {
				h.controllers = append(h.controllers, opt)
			}
		}
		if len(h.controllers) > 0 {
			h.mountpoint = fields[4]
			hs = append(hs, h)
		}
	}
	return hs, nil
}

func newCgroupV1(id string) (*cgroupV1, error) {
	hs, err := v1Hierarchies()
	if err != nil {
		return nil, err
	}
	c := &cgroupV1{}
	for _, h := range hs {
		dir := filepath.Join(h.mountpoint, cgroupParent, id)
		c.dirs = append(c.dirs, dir)
		for _, name := range h.controllers {
			switch name {
			case "memory":
				c.memory = dir
			case "cpu":
				c.cpu = dir
			case "cpuacct":
				c.acct = dir
			case "pids":
				c.pids = dir
			}
		}
	}
	return c, nil
}

// create makes runt/ID in each tree and writes the limits.
func (c *cgroupV1) create(l limits) error {
	explain("statfs(%q) is not CGROUP2_SUPER_MAGIC: cgroup v1, one tree per controller", cgroupRoot)
	for name, dir := range map[string]string{"memory": c.memory, "cpu": c.cpu, "cpuacct": c.acct, "pids": c.pids} {
		if dir == "" {
			return fmt.Errorf("cgroup v1: no %s controller mounted under %s", name, cgroupRoot)
		}
	}
	for _, dir := range c.dirs {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return err
		}
		if err := mkdirCgroup(dir); err != nil {
			return err
		}
	}
	if l.memory > 0 {
		if err := writeCgroup(c.memory, "memory.limit_in_bytes", strconv.FormatInt(l.memory, 10)); err != nil {
			return err
		}
		// memsw is memory plus swap: the same value means no swap on top.
		if err := writeCgroup(c.memory, "memory.memsw.limit_in_bytes", strconv.FormatInt(l.memory, 10)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if l.cpus > 0 {
		if err := writeCgroup(c.cpu, "cpu.cfs_period_us", strconv.Itoa(cpuPeriod)); err != nil {
			return err
		}
		if err := writeCgroup(c.cpu, "cpu.cfs_quota_us", strconv.FormatInt(l.cpuQuota(), 10)); err != nil {
			return err
		}
	}
	if l.pids > 0 {
		if err := writeCgroup(c.pids, "pids.max", strconv.FormatInt(l.pids, 10)); err != nil {
			return err
		}
	}
	return nil
}

// join writes pid into every tree: v1 trees are independent of each other.
func (c *cgroupV1) join(pid int) error {
	for _, dir := range c.dirs {
		if err := writeCgroup(dir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

// oomKills reads "oom_kill N" from memory.oom_control (Linux 4.13 and later).
func (c *cgroupV1) oomKills() int {
	return readCounter(filepath.Join(c.memory, "memory.oom_control"), "oom_kill")
}

// remove kills what is left (v1 has no cgroup.kill) and removes every directory.
func (c *cgroupV1) remove() error {
	var errs []error
	for _, dir := range c.dirs {
		procs, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		for _, pid := range strings.Fields(string(procs)) {
			if n, err := strconv.Atoi(pid); err == nil {
				_ = unix.Kill(n, unix.SIGKILL)
			}
		}
		errs = append(errs, rmdirCgroup(dir))
	}
	return errors.Join(errs...)
}
