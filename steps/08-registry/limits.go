package main

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

// limits are what --memory, --cpus and --pids ask of the container's cgroup.
// Zero means no limit.
type limits struct {
	memory int64   // bytes, swap included
	cpus   float64 // CPUs' worth of time per period
	pids   int64   // tasks: processes and threads
}

// minMemory is the smallest --memory accepted: below a few MiB the kernel
// kills the container while it is still starting, which only confuses.
const minMemory = 6 << 20

// minPids leaves room for the runtime's own init, which runs in the cgroup,
// with a few threads, until it execs the command (see holdInit).
const minPids = 10

// cpuPeriod is the CFS period in microseconds; --cpus sets the quota per period.
const cpuPeriod = 100000

// minQuota is the smallest CFS quota the kernel accepts, in microseconds.
const minQuota = 1000

// parseMemory reads a size such as 64m, 1g, 512k or 1048576 (bytes).
func (l *limits) parseMemory(text string) error {
	bad := fmt.Errorf("want a size such as 64m or 1g (units b, k, m, g), at least %dm", minMemory>>20)
	number, unit := strings.ToLower(text), int64(1)
	if n := len(number); n > 0 {
		if shift := strings.IndexByte("bkmg", number[n-1]); shift >= 0 {
			number, unit = number[:n-1], 1<<(10*shift)
		}
	}
	n, err := strconv.ParseInt(number, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/unit {
		return bad
	}
	if n*unit < minMemory {
		return bad
	}
	l.memory = n * unit
	return nil
}

// parseCPUs reads a number of CPUs such as 0.5 or 2.
func (l *limits) parseCPUs(text string) error {
	n, err := strconv.ParseFloat(text, 64)
	// Written so that NaN, which compares false with everything, fails too.
	if err != nil || !(n*cpuPeriod >= minQuota && n <= float64(runtime.NumCPU())) {
		return fmt.Errorf("want a number of CPUs from %.2f to %d (this machine's), e.g. 0.5", float64(minQuota)/cpuPeriod, runtime.NumCPU())
	}
	l.cpus = n
	return nil
}

// maxPids is PID_MAX_LIMIT, the most tasks the kernel can ever have; pids.max
// refuses a larger number.
const maxPids = 4194304

// parsePids reads a maximum number of tasks.
func (l *limits) parsePids(text string) error {
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < minPids || n > maxPids {
		return fmt.Errorf("want a whole number of processes (threads included) from %d to %d, e.g. 100", minPids, maxPids)
	}
	l.pids = n
	return nil
}

// cpuQuota is the CFS quota in microseconds per cpuPeriod.
func (l limits) cpuQuota() int64 {
	return int64(l.cpus * cpuPeriod)
}

// mib formats bytes for messages: "64 MiB".
func mib(bytes int64) string {
	return fmt.Sprintf("%d MiB", bytes>>20)
}
