package tests

// The names the suite relies on: the environment it reads, the paths, cgroups,
// links and firewall objects it looks for on the host, and the words it looks
// for in what the runtime prints. A runtime in any language must use them to
// pass. The tests use these constants instead of spelling the names again.
//
// CONTRACT.md shows every top-level constant of this file, with its doc
// comment, in a table the generator draws (<!-- figure contract -->), and the
// fault points below in another (<!-- figure faults -->); make check-generated
// fails when CONTRACT.md no longer matches this file. So each constant has a
// doc comment written for the reader of CONTRACT.md.

// envBin names the binary under test, as an absolute path. make check-N
// sets it to bin/stepN, or to BIN=path.
const envBin = "RUNT_BIN"

// envStep is the step whose properties run, with those of every step before
// it: 0 to 8.
const envStep = "RUNT_STEP"

// envData names the data directory, for the suite and the runtime alike;
// unset, it is defaultDataDir. The suite sets it for single runs, so the
// runtime must read it too.
const envData = "RUNT_DATA"

// defaultDataDir is the data directory when RUNT_DATA is unset.
const defaultDataDir = "/var/lib/runt"

// envEscape names a prebuilt copy of step 1's chroot escape program (make
// check-N passes bin/escape). Unset, the suite builds it from steps/01-chroot
// with go.
const envEscape = "RUNT_ESCAPE"

// envFault, from step 4, asks the runtime to kill itself with SIGKILL at the
// fault point its value names (see the fault points).
const envFault = "RUNT_FAULT"

// envCI, set to any non-empty value, makes a property that cannot run here
// fail instead of skip.
const envCI = "CI"

// rootfsDir, in the data directory, holds the root filesystems that make
// rootfs builds. The host snapshot does not look inside it.
const rootfsDir = "rootfs"

// busyboxRootfs, in the data directory, is the busybox rootfs of make rootfs:
// from step 1, the runtime's rootfs when run has no --rootfs.
const busyboxRootfs = rootfsDir + "/busybox"

// debianRootfs, in the data directory, is the Debian rootfs of make
// rootfs-debian (debootstrap, from the machine's apt mirror). From step 7 a
// property makes an image of it; make test builds it, make check-N does not.
const debianRootfs = rootfsDir + "/debian"

// rootfsMarker is a file at the top of the busybox rootfs. The suite checks
// that the rootfs exists by it, and containers cat /runt-rootfs to show they
// run in the rootfs.
const rootfsMarker = "runt-rootfs"

// containersDir, in the data directory, holds one directory per container,
// named by its id (from step 5). The suite plants directories of its own
// there and reads kept ones.
const containersDir = "containers"

// upperDir, in a container's directory, is its overlay's upper directory:
// the container's changes. --keep leaves it, and the suite reads it.
const upperDir = "upper"

// workDir, in a container's directory, is its overlay's work directory. A
// container directory whose work directory is there but whose runtime is
// gone was left by a reboot; the next run removes it.
const workDir = "work"

// mergedDir, in a container's directory, is its overlay's mount point. No
// error message may name it.
const mergedDir = "merged"

// keepFile, in a container's directory, marks a container run with --keep:
// after a reboot the next run removes work and merged but keeps upper.
const keepFile = "keep"

// stateDir holds the runtime's host-wide state while containers run (from
// step 4). Like the data directory, it must hold nothing more after a run
// than before; directories at its top level may stay.
const stateDir = "/run/runt"

// ipForwardNote, at the top of the state directory, is the note a runtime
// may leave when it turns net.ipv4.ip_forward on (step 6), so that make
// reset-host can turn it off again. Like the bridge, it stays by design.
const ipForwardNote = "ip_forward-was-off"

// leasesDir holds the address leases of bridge-mode containers (step 6). A
// file there that holds the id of a container without a live runtime must
// go on the next bridge-mode run; the suite plants ADDRESS and .ID files.
const leasesDir = stateDir + "/leases"

// cgroupParent is the parent of every container's cgroup, which is named by
// the container's id (from step 4): /sys/fs/cgroup/runt/ID on cgroup v2,
// /sys/fs/cgroup/CONTROLLER/runt/ID on v1. The suite counts every directory
// there that has a cgroup.procs.
const cgroupParent = "runt"

// bridgeName is the host's bridge (step 6). It may stay after the last
// container; every other link the runtime adds to the host must go.
const bridgeName = "runt0"

// bridgeSubnet is where every bridge-mode container's address lies.
const bridgeSubnet = "10.88.0.0/16"

// bridgeGateway is the bridge's address, and the default route of every
// bridge-mode container.
const bridgeGateway = "10.88.0.1"

// containerLink is the container's own link to the bridge, inside it; lo is
// the only other.
const containerLink = "eth0"

// nftFamily is the address family of the runtime's nftables table.
const nftFamily = "ip"

// nftTable is the runtime's nftables table (step 6). It and its chains may
// stay; every rule with a comment in it counts as left behind.
const nftTable = "runt"

// nftChain is a chain of the table, of type nat on the postrouting hook, to
// which the suite adds a masquerade rule such as a dead container leaves.
const nftChain = "postrouting"

// ruleTag starts the comment of each of the table's rules: runt:ID names
// the container the rule belongs to.
const ruleTag = "runt:"

// explainPrefix starts every line the runtime writes on stderr under
// --explain (the convention is [who], e.g. [runtime]).
const explainPrefix = "["

// explainExec is on stderr under --explain: the runtime narrates the
// execve(2) of the command.
const explainExec = "execve("

// explainWait is on stderr under --explain: the runtime narrates the
// wait4(2) for the command.
const explainWait = "wait4("

// oomReport is in the runtime's stderr when the kernel killed the command
// for passing --memory; %d is the limit in MiB.
const oomReport = "container killed: out of memory (limit %d MiB)"

// keptReport, followed by the upper directory's path, is in the runtime's
// stderr after a run with --keep.
const keptReport = "kept the container's changes in "

// storeFaultPoints are the fault points of load and rmi (from step 7), in
// the order they are reached. Killed at any of them, the runtime must leave
// no image half there: not listed by images, and made whole, or gone, by the
// next load or rmi.
var storeFaultPoints = []struct {
	step int
	name string
}{
	{7, "unpacked"}, // load: a layer is unpacked under tmp/, not yet checked against its diff ID
	{7, "stored"},   // load: every blob and layer has its name; the index does not name the image yet
	{7, "untagged"}, // rmi: the index no longer names the image; its blobs and layers are still there
}

// imagesDir, in the data directory, is the image store (from step 7). The
// suite counts the layer directories in its layers/ (one per distinct
// layer, shared by every image that has it) and checks that a load that
// fails leaves nothing there, nor in its blobs/ and tmp/.
const imagesDir = "images"

// whiteoutPrefix, before a name in a layer's tar, deletes that name of the
// layers below (the OCI image spec's whiteout).
const whiteoutPrefix = ".wh."

// opaqueWhiteout, in a directory of a layer's tar, hides everything of the
// layers below in that directory.
const opaqueWhiteout = ".wh..wh..opq"

// faultPoints are the phases at which the runtime can be told to SIGKILL
// itself (RUNT_FAULT=NAME, see CONTRACT.md), with the step that adds each,
// in the order a run reaches them. The comments say where the workshop's
// runtime dies; the suite asks only that the runtime dies of a signal and
// that the next run leaves nothing behind.
var faultPoints = []struct {
	step int
	name string
}{
	{4, "recorded"},         // the container's record is written: nothing else is built yet
	{5, "overlay"},          // the overlay is mounted
	{6, "leased"},           // the container's address is leased
	{6, "etc"},              // /etc/hosts, /etc/hostname and /etc/resolv.conf are written and bound
	{4, "cgroup"},           // the cgroup exists, with its limits; no process is in it
	{4, "sentinel"},         // the container's init runs, waiting, beside the sentinel
	{4, "joined"},           // init is in the cgroup
	{6, "veth"},             // the veth pair exists, its peer in the container
	{4, "started"},          // init is told to exec the command
	{4, "teardown-cgroup"},  // at exit: the cgroup is removed
	{6, "teardown-network"}, // at exit: links, NAT rules and the lease are removed
	{5, "teardown-overlay"}, // at exit: the overlay is unmounted and its directories removed
	{4, "teardown-done"},    // at exit: everything is removed but the record
}
