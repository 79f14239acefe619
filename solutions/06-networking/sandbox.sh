# sandbox.sh: sourced by the scripts of step 6's solutions. in_sandbox CMD
# runs CMD (a bash script) in a network namespace and a mount namespace of
# its own, with a tmpfs on /run/runt: the runtime's bridge, nftables table,
# leases and records there are the sandbox's, so a solution that changes
# them can neither disturb nor be disturbed by step-6 containers on the
# host. The environment (BIN, ORIG_BIN, STEP, TREE) goes in with it, and
# CMD finds a directory of its own in $dir (removed after it; a RUNT_DATA
# of its own goes there) and the busybox rootfs in $rootfs.
in_sandbox() {
	local dir rc=0
	dir=$(mktemp -d /tmp/runt-sandbox.XXXXXX)
	dir=$dir unshare --net --mount --propagation private bash -c '
		set -euo pipefail
		mount -t tmpfs tmpfs /run/runt
		ip link set lo up
		. solutions/lib.sh
		rootfs=/var/lib/runt/rootfs/busybox
		'"$1" || rc=$?
	rm -rf "$dir"
	return $rc
}
