package tests

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"
)

// hostState is everything a run of the runtime could leave behind on the host.
// Later steps add what they create (cgroups, links, firewall rules).
type hostState struct {
	mounts  []string // /proc/self/mountinfo, line by line
	state   []string // every path under the data directory but the root filesystems
	cgroups []string // every container cgroup, in either cgroup version
	links   []string // network links of the host; the bridge may stay by design
	rules   []string // the runtime's NAT rules; its table and chains may stay
}

func snapshotHost(t *testing.T) hostState {
	t.Helper()
	info, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	var state []string
	// The data directory, and from step 4 the host-wide state of running
	// containers (records, address leases) in /run/runt.
	for _, root := range []string{dataDir(), stateDir} {
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // a directory that vanished while we walked is not left behind
			}
			if path == filepath.Join(root, rootfsDir) {
				return fs.SkipDir
			}
			// Top-level directories (containers/, ...) may stay by design; what
			// is in them may not.
			if d.IsDir() && (path == root || filepath.Dir(path) == root) {
				return nil
			}
			if path == filepath.Join(stateDir, ipForwardNote) {
				return nil
			}
			// The image store holds the images, and tests that load one
			// check it themselves (storeContents).
			if path == filepath.Join(root, imagesDir) {
				return fs.SkipDir
			}
			state = append(state, path)
			return nil
		})
	}
	// The runtime keeps container cgroups under "runt": /sys/fs/cgroup/runt/ID
	// on v2, /sys/fs/cgroup/CONTROLLER/runt/ID on v1.
	v2, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", cgroupParent, "*", "cgroup.procs"))
	v1, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", cgroupParent, "*", "cgroup.procs"))
	var cgroups []string
	for _, procs := range append(v2, v1...) {
		cgroups = append(cgroups, filepath.Dir(procs))
	}
	var links []string
	if all, err := netlink.LinkList(); err == nil {
		for _, l := range all {
			if l.Attrs().Name != bridgeName {
				links = append(links, l.Attrs().Name)
			}
		}
	}
	var rules []string
	if out, err := exec.Command("nft", "list", "table", nftFamily, nftTable).Output(); err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, "comment") {
				rules = append(rules, strings.TrimSpace(line))
			}
		}
	}
	return hostState{mounts: strings.Split(strings.TrimSpace(string(info)), "\n"), state: state, cgroups: cgroups, links: links, rules: rules}
}

// assertNothingLeftBehind compares the host with a snapshot taken before the run.
func assertNothingLeftBehind(t *testing.T, before hostState) {
	t.Helper()
	after := snapshotHost(t)
	assert.ElementsMatch(t, before.mounts, after.mounts, "mounts on the host changed")
	assert.ElementsMatch(t, before.state, after.state, "files under %s changed", dataDir())
	assert.ElementsMatch(t, before.cgroups, after.cgroups, "container cgroups changed")
	assert.ElementsMatch(t, before.links, after.links, "network links changed")
	assert.ElementsMatch(t, before.rules, after.rules, "NAT rules changed")
}

// badInput runs a command line that must be refused: a non-zero exit, exactly
// one line on stderr that contains each of mentions, and nothing left behind.
func badInput(t *testing.T, mentions []string, args ...string) result {
	t.Helper()
	before := snapshotHost(t)
	r := run(t, args...)
	assert.NotZero(t, r.status, "exit status of %q", args)
	assertOneLine(t, r.stderr)
	for _, m := range mentions {
		assert.Contains(t, r.stderr, m)
	}
	assertNothingLeftBehind(t, before)
	return r
}

// assertOneLine checks the rule for errors: exactly one line on stderr.
func assertOneLine(t *testing.T, stderr string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	assert.Len(t, lines, 1, "want one line on stderr, got %q", stderr)
	assert.NotEmpty(t, strings.TrimSpace(stderr), "want one line on stderr that says what is wrong, got none")
}
