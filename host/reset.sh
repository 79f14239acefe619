#!/bin/bash
# reset.sh: remove everything the workshop leaves on this machine by design,
# and say what was removed: the bridge runt0, the nftables table ip runt,
# the cgroup parents named runt, /run/runt, the data directory (RUNT_DATA,
# with the root filesystems), and ip_forward if a runtime turned it on.
# It refuses while a container runs: stop those first.
set -uo pipefail
data=${RUNT_DATA:-/var/lib/runt}

[ "$(id -u)" = 0 ] || { echo "reset-host: run as root" >&2; exit 1; }

# A record whose lock is held belongs to a live runtime (source/state.go).
for rec in /run/runt/containers/*.json; do
	[ -e "$rec" ] || continue
	if ! flock -n "$rec" true; then
		echo "reset-host: container $(basename "$rec" .json) is running; stop it first" >&2
		exit 1
	fi
done

said=0
say() { echo "removed: $*"; said=1; }

if ip link show runt0 >/dev/null 2>&1; then
	ip link del runt0 && say "bridge runt0"
fi
for veth in $(ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^runt[0-9a-f]{8}/ {sub(/@.*/, "", $2); print $2}'); do
	ip link del "$veth" 2>/dev/null && say "link $veth"
done
if nft list table ip runt >/dev/null 2>&1; then
	nft delete table ip runt && say "nftables table ip runt"
fi
# v2: /sys/fs/cgroup/runt; v1: one per hierarchy. Children first.
for parent in /sys/fs/cgroup/runt /sys/fs/cgroup/*/runt; do
	[ -d "$parent" ] || continue
	find "$parent" -depth -type d -exec rmdir {} + 2>/dev/null
	[ -d "$parent" ] && echo "reset-host: could not remove $parent (processes still in it?)" >&2 || say "cgroup $parent"
done
if [ -e /run/runt/ip_forward-was-off ]; then
	echo 0 >/proc/sys/net/ipv4/ip_forward && say "ip_forward (set back to 0)"
fi
if [ -d /run/runt ]; then
	rm -rf /run/runt && say "/run/runt (records, leases)"
fi
if [ -d "$data" ]; then
	# Overlays of containers a crash left mounted come off before rm.
	grep -o " $data/containers/[^ ]*/merged " /proc/self/mounts | while read -r m; do umount -l "$m"; done
	rm -rf --one-file-system "$data" && say "$data (root filesystems, container directories)"
fi
[ "$said" = 1 ] || echo "nothing to remove: the workshop left nothing on this machine"
