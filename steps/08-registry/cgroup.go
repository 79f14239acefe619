package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// A control group limits and accounts the resources of the processes in it.
// Every container gets its own, created with its limits before the container
// runs any code of the user's and removed after it exits. cgroup v2 (one
// tree, every controller in it) is the model here; cgroup_v1.go adapts the
// same operations to hosts that still mount one tree per controller.
type cgroup interface {
	// create makes the cgroup and writes its limits.
	create(l limits) error
	// join moves process pid, with all its threads, into the cgroup.
	join(pid int) error
	// oomKills counts the processes the kernel killed for exceeding --memory.
	oomKills() int
	// remove kills what is left in the cgroup and deletes it.
	remove() error
}

const (
	cgroupRoot = "/sys/fs/cgroup"
	// cgroupParent groups every container's cgroup under one parent.
	cgroupParent = "runt"
)

// cgroupV2 is a container's cgroup in the unified hierarchy.
type cgroupV2 struct{ dir string }

// isCgroupV2 tells the modes apart the way the kernel does: by the type of
// filesystem mounted at /sys/fs/cgroup (a cgroup2 mount on unified hosts, a
// tmpfs holding one mount per controller on v1 hosts).
func isCgroupV2() (bool, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(cgroupRoot, &st); err != nil {
		return false, &os.PathError{Op: "statfs", Path: cgroupRoot, Err: err}
	}
	return st.Type == unix.CGROUP2_SUPER_MAGIC, nil
}

// newCgroup names the cgroup of container id, in whichever mode the host runs.
func newCgroup(id string) (cgroup, error) {
	v2, err := isCgroupV2()
	if err != nil {
		return nil, err
	}
	if !v2 {
		return newCgroupV1(id)
	}
	return &cgroupV2{dir: filepath.Join(cgroupRoot, cgroupParent, id)}, nil
}

// createCgroup makes the cgroup of container id, with its limits.
func createCgroup(id string, l limits) (cgroup, error) {
	c, err := newCgroup(id)
	if err != nil {
		return nil, err
	}
	if err := c.create(l); err != nil {
		_ = c.remove()
		return nil, err
	}
	return c, nil
}

// create makes /sys/fs/cgroup/runt/ID and writes its limits.
func (c *cgroupV2) create(l limits) error {
	explain("statfs(%q) = CGROUP2_SUPER_MAGIC: cgroup v2", cgroupRoot)
	parent := filepath.Dir(c.dir)
	if err := mkdirCgroup(parent); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	// A controller works in a cgroup only if its parent enables it for its
	// children, from the root down. (And only cgroups without processes may
	// do that: "no internal processes", so runt/ itself stays empty.)
	for _, dir := range []string{cgroupRoot, parent} {
		if err := writeCgroup(dir, "cgroup.subtree_control", "+cpu +memory +pids"); err != nil {
			return err
		}
	}
	if err := mkdirCgroup(c.dir); err != nil {
		return err
	}
	return c.setLimits(l)
}

func (c *cgroupV2) setLimits(l limits) error {
	if l.memory > 0 {
		if err := writeCgroup(c.dir, "memory.max", strconv.FormatInt(l.memory, 10)); err != nil {
			return err
		}
		// Without this the kernel would swap the container out instead of
		// stopping it at the limit. The file exists only with swap accounting.
		if err := writeCgroup(c.dir, "memory.swap.max", "0"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if l.cpus > 0 {
		// "quota period": at most quota µs of CPU time in every period µs.
		if err := writeCgroup(c.dir, "cpu.max", fmt.Sprintf("%d %d", l.cpuQuota(), cpuPeriod)); err != nil {
			return err
		}
	}
	if l.pids > 0 {
		if err := writeCgroup(c.dir, "pids.max", strconv.FormatInt(l.pids, 10)); err != nil {
			return err
		}
	}
	return nil
}

func (c *cgroupV2) join(pid int) error {
	return writeCgroup(c.dir, "cgroup.procs", strconv.Itoa(pid))
}

// oomKills reads "oom_kill N" from memory.events.
func (c *cgroupV2) oomKills() int {
	return readCounter(filepath.Join(c.dir, "memory.events"), "oom_kill")
}

func (c *cgroupV2) remove() error {
	// cgroup.kill (Linux 5.14) SIGKILLs every process in the cgroup. Ours
	// are normally gone already with the PID namespace; this is the backstop.
	if err := writeCgroup(c.dir, "cgroup.kill", "1"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return rmdirCgroup(c.dir)
}

// writeCgroup writes one cgroup control file, which is how every cgroup
// setting is made: there are no cgroup system calls. The file is opened
// without O_CREAT: cgroupfs answers a create with EACCES, which would hide
// that a file (memory.swap.max without swap accounting) does not exist.
func writeCgroup(dir, file, value string) error {
	path := filepath.Join(dir, file)
	explain("write %s = %s", path, value)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err == nil {
		_, err = f.WriteString(value)
		if closeErr := f.Close(); err == nil {
			err = closeErr
		}
	}
	if err != nil {
		return fmt.Errorf("setting cgroup %s: %w", file, err)
	}
	return nil
}

func mkdirCgroup(dir string) error {
	explain("mkdir(%q)", dir)
	return os.Mkdir(dir, 0o755)
}

// rmdirCgroup removes an empty cgroup. A process that was just killed may
// still be leaving it, so EBUSY is retried for a short while.
func rmdirCgroup(dir string) error {
	explain("rmdir(%q)", dir)
	var err error
	for try := 0; try < 100; try++ {
		err = unix.Rmdir(dir)
		if err != unix.EBUSY {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil && err != unix.ENOENT {
		return &os.PathError{Op: "remove cgroup", Path: dir, Err: err}
	}
	return nil
}

// readCounter returns the value of "name N" in a flat-keyed cgroup file, or 0.
func readCounter(path, name string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if value, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			n, _ := strconv.Atoi(value)
			return n
		}
	}
	return 0
}

// removeCgroup removes the container's cgroup; a failure is worth a warning,
// not a different exit status.
func removeCgroup(cg cgroup) {
	if err := cg.remove(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
	}
}

// reportOOM says so when the kernel's OOM killer ended the container: from
// the outside, an OOM kill looks like any other SIGKILL (exit status 137).
func reportOOM(cg cgroup, l limits, status int) {
	if cg.oomKills() == 0 {
		return
	}
	if status == 128+int(unix.SIGKILL) {
		fmt.Fprintf(os.Stderr, "%s: container killed: out of memory (limit %s)\n", prog, mib(l.memory))
	} else {
		fmt.Fprintf(os.Stderr, "%s: a process of the container was killed: out of memory (limit %s)\n", prog, mib(l.memory))
	}
}
