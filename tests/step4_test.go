package tests

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Step 4: memory, CPU and process limits, by cgroups, v1 and v2.

// cgroupV2 reports whether the host runs the unified hierarchy.
func cgroupV2(t *testing.T) bool {
	t.Helper()
	var st unix.Statfs_t
	require.NoError(t, unix.Statfs("/sys/fs/cgroup", &st))
	return st.Type == unix.CGROUP2_SUPER_MAGIC
}

// insideFile is the path, inside a container, of one of its own cgroup
// files: /sys/fs/cgroup/FILE on v2, /sys/fs/cgroup/CONTROLLER/FILE on v1.
func insideFile(t *testing.T, v2file, v1controller, v1file string) string {
	if cgroupV2(t) {
		return "/sys/fs/cgroup/" + v2file
	}
	return "/sys/fs/cgroup/" + v1controller + "/" + v1file
}

var _ = prop(4, "a process allocating past --memory is OOM-killed and reported", func(t *testing.T) {
	before := snapshotHost(t)
	// dd allocates its 100 MiB block and fills it; the limit is 32 MiB.
	r := run(t, "run", "--memory", "32m", "sh", "-c", "exec dd if=/dev/zero of=/dev/null bs=100M count=1")
	assert.Equal(t, 137, r.status, "stderr: %s", r.stderr)
	assert.Contains(t, r.stderr, fmt.Sprintf(oomReport, 32))
	// The host is unaffected: this test process and a new one run on.
	assert.Equal(t, 0, run(t, "run", "true").status)
	assertNothingLeftBehind(t, before)
})

var _ = prop(4, "a fork bomb stops at --pids and the host can still fork", func(t *testing.T) {
	before := snapshotHost(t)
	current := insideFile(t, "pids.current", "pids", "pids.current")
	// The bomb runs in a subshell, which dies when fork fails; the shell
	// then reports how many tasks its cgroup holds.
	script := "(for i in $(seq 200); do sleep 1000 & done) 2>/dev/null; cat " + current
	r := run(t, "run", "--pids", "20", "sh", "-c", script)
	require.Equal(t, 0, r.status, r.stderr)
	n, err := strconv.Atoi(strings.TrimSpace(r.stdout))
	require.NoError(t, err, "stdout %q", r.stdout)
	assert.LessOrEqual(t, n, 20, "tasks in the container's cgroup")
	assert.GreaterOrEqual(t, n, 15, "the bomb should have filled the cgroup")
	// The host can still fork, and none of the container's sleeps remain.
	assert.Equal(t, 0, run(t, "run", "true").status)
	assertNothingLeftBehind(t, before)
})

var _ = prop(4, "a busy loop under --cpus 0.5 uses about half a CPU", func(t *testing.T) {
	// The container measures itself: its cgroup's CPU usage (from its own
	// cgroup files) against the wall clock (/proc/uptime, in 1/100 s),
	// across a busy loop of about 2 seconds.
	usage := "awk '/usage_usec/ {print $2 * 1000}' /sys/fs/cgroup/cpu.stat"
	if !cgroupV2(t) {
		// nanoseconds; the tree is cpuacct/ or, mounted together, cpu,cpuacct/
		usage = "cat /sys/fs/cgroup/*cpuacct*/cpuacct.usage"
	}
	script := `
clock() { read up idle < /proc/uptime; echo ${up%.*}${up#*.}; }
u0=$(` + usage + `); t0=$(clock)
while [ $(( $(clock) - t0 )) -lt 200 ]; do :; done
u1=$(` + usage + `); t1=$(clock)
echo $(( (u1 - u0) / 10000000 )) $(( t1 - t0 ))`
	r := run(t, "run", "--cpus", "0.5", "sh", "-c", script)
	require.Equal(t, 0, r.status, r.stderr)
	f := strings.Fields(r.stdout)
	require.Len(t, f, 2, "stdout %q", r.stdout)
	cpu, err1 := strconv.Atoi(f[0]) // 1/100 s of CPU time
	wall, err2 := strconv.Atoi(f[1])
	require.NoError(t, err1)
	require.NoError(t, err2)
	ratio := float64(cpu) / float64(wall)
	t.Logf("CPU %d/100 s over %d/100 s: %.2f CPUs", cpu, wall, ratio)
	assert.InDelta(t, 0.5, ratio, 0.1)
})

var _ = prop(4, "inside, /proc/self/cgroup and /sys/fs/cgroup show the container's own cgroup as the root", func(t *testing.T) {
	limit := insideFile(t, "memory.max", "memory", "memory.limit_in_bytes")
	r := run(t, "run", "--memory", "48m", "sh", "-c", "cat /proc/self/cgroup; echo limit $(cat "+limit+")")
	require.Equal(t, 0, r.status, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	assert.Equal(t, "limit 50331648", lines[len(lines)-1], "the root of /sys/fs/cgroup inside is the container's cgroup")
	for _, line := range lines[:len(lines)-1] {
		f := strings.SplitN(line, ":", 3)
		require.Len(t, f, 3, "line %q", line)
		if cgroupV2(t) || strings.Contains(f[1], "memory") || strings.Contains(f[1], "pids") || strings.Contains(f[1], "cpu") {
			assert.Equal(t, "/", f[2], "line %q", line)
		}
	}
	if cgroupV2(t) {
		assert.Equal(t, []string{"0::/"}, lines[:len(lines)-1])
	}
})

var _ = prop(4, "the cgroup is gone after a normal exit, a failure before exec, a signal and an OOM kill", func(t *testing.T) {
	before := snapshotHost(t)
	assert.Equal(t, 0, run(t, "run", "--memory", "64m", "true").status)
	assert.Equal(t, 3, run(t, "run", "--pids", "50", "sh", "-c", "exit 3").status)
	assert.Equal(t, 137, run(t, "run", "--memory", "16m", "sh", "-c", "exec dd if=/dev/zero of=/dev/null bs=64M count=1").status)

	// Failure inside init, after the cgroup exists: /dev cannot be mounted
	// on a rootfs whose dev is a file.
	rootfs := rootfsCopy(t)
	require.NoError(t, os.RemoveAll(filepath.Join(rootfs, "dev")))
	require.NoError(t, os.WriteFile(filepath.Join(rootfs, "dev"), nil, 0o644))
	r := run(t, "run", "--rootfs", rootfs, "--cpus", "1", "true")
	assert.NotZero(t, r.status)
	assertOneLine(t, r.stderr)

	c := start(t, "run", "--memory", "64m", "sh", "-c", "echo ready; read line")
	c.waitFor(t, "ready")
	require.NoError(t, syscall.Kill(c.containerPID(t), syscall.SIGKILL))
	assert.Equal(t, 137, c.wait(t))
	assertNothingLeftBehind(t, before)
})

var _ = prop(4, "the next run removes what a runtime killed with SIGKILL left behind", func(t *testing.T) {
	before := snapshotHost(t)
	c := start(t, "run", "--memory", "64m", "sh", "-c", "echo ready; read line")
	c.waitFor(t, "ready")
	c.killRuntime(t)
	require.NotEqual(t, before.cgroups, snapshotHost(t).cgroups, "a dead runtime leaves its cgroup")

	assert.Equal(t, 0, run(t, "run", "true").status)
	assertNothingLeftBehind(t, before)
})

var _ = prop(4, "bad limits are refused with one line that says the accepted form", func(t *testing.T) {
	for _, args := range [][]string{
		{"--memory", "10x"},
		{"--memory", "1k"}, // below what a container can start in
		{"--cpus", "-1"},
		{"--cpus", "0.0001"}, // below the kernel's minimum CFS quota
		{"--pids", "0"},
		{"--pids", "4194305"}, // above PID_MAX_LIMIT
	} {
		r := badInput(t, []string{args[0], "want"}, append(append([]string{"run"}, args...), "true")...)
		assert.NotZero(t, r.status)
	}
})

var _ = prop(4, "a runtime killed at any phase of start or teardown leaves nothing after the next run", func(t *testing.T) {
	before := snapshotHost(t)
	// A rootfs of the test's own: in steps 3 and 4 the container pivots
	// straight into it, and an init killed between making its old-root
	// directory and removing it leaves that directory there.
	args := []string{"run", "--rootfs", rootfsCopy(t), "--memory", "64m"}
	if step >= 6 {
		args = append(args, "-p", strconv.Itoa(freePort(t))+":80")
	}
	for _, f := range faultPoints {
		if f.step > step {
			continue
		}
		r := runWith(t, runOpts{env: []string{envFault + "=" + f.name}}, append(args, "true")...)
		assert.Equal(t, -1, r.status, "RUNT_FAULT=%s: the runtime should have died by SIGKILL; stderr: %s", f.name, r.stderr)
		assert.Equal(t, 0, run(t, "run", "true").status, "the next run after a crash at %s", f.name)
		assertNothingLeftBehind(t, before)
	}
})

var _ = prop(4, "a stderr closed while the container runs does not stop the runtime's teardown", func(t *testing.T) {
	before := snapshotHost(t)
	errR, errW, err := os.Pipe()
	require.NoError(t, err)
	cmd := exec.Command(bin, "--explain", "run", "sh", "-c", "echo started; read x")
	cmd.Stderr = errW
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	errW.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "started\n", line)
	// The reader leaves: every narration of the teardown now meets EPIPE.
	errR.Close()
	_, _ = stdin.Write([]byte("\n"))
	err = cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	assert.False(t, ws.Signaled(), "the runtime was killed by %v", ws.Signal())
	assert.NoError(t, err)
	assertNothingLeftBehind(t, before)
})
