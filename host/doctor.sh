#!/bin/bash
# doctor.sh: is this machine ready for the workshop? One line per check,
# "ok", "warn" or "FAIL", then a summary; exit 1 if anything failed.
# Nothing is changed on the machine.
set -uo pipefail
data=${RUNT_DATA:-/var/lib/runt}
failed=0

ok() { printf 'ok    %-12s %s\n' "$1" "$2"; }
warn() { printf 'warn  %-12s %s\n' "$1" "$2"; }
fail() { printf 'FAIL  %-12s %s\n' "$1" "$2"; failed=$((failed + 1)); }

# Every step runs containers as root: namespaces, mounts and cgroups need it.
if [ "$(id -u)" = 0 ]; then ok root "running as root"; else fail root "run as root (sudo -i), every step needs it"; fi

kernel=$(uname -r)
major=${kernel%%.*} rest=${kernel#*.} minor=${rest%%.*}
# openat2 (step 1's command lookup) needs 5.6; pidfd_open (step 2's sentinel) 5.3.
if [ "$major" -gt 5 ] || { [ "$major" = 5 ] && [ "$minor" -ge 6 ]; }; then
	ok kernel "$kernel (5.6 or later: openat2, pidfd_open)"
else
	fail kernel "$kernel: steps 1 and 2 need 5.6 or later (openat2)"
fi

missing=
for ns in uts pid mnt ipc net cgroup; do [ -e /proc/self/ns/$ns ] || missing="$missing $ns"; done
if [ -z "$missing" ]; then ok namespaces "uts pid mnt ipc net cgroup"; else fail namespaces "missing:$missing"; fi

# Step 4 limits memory, CPU and processes: the three controllers must be there.
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	have=$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)
	lack=
	for c in memory cpu pids; do [[ " $have " == *" $c "* ]] || lack="$lack $c"; done
	if [ -z "$lack" ]; then ok cgroups "v2, controllers: $have"; else fail cgroups "v2 without:$lack (cgroup.controllers: $have)"; fi
else
	lack=
	for c in memory cpu pids; do [ -d /sys/fs/cgroup/$c ] || lack="$lack $c"; done
	if [ -z "$lack" ]; then warn cgroups "v1 (the workshop VM is v2; both work, the docs show v2)"; else fail cgroups "v1 without:$lack"; fi
fi

# Step 5 mounts an overlay; the module may load on first use.
if grep -qw overlay /proc/filesystems || modprobe -n overlay 2>/dev/null; then ok overlayfs "available"; else fail overlayfs "no overlay filesystem: modprobe overlay"; fi

if command -v nft >/dev/null && nft list tables >/dev/null 2>&1; then ok nftables "$(nft --version)"; else fail nftables "nft missing or not working: make deps installs nftables"; fi
if command -v ip >/dev/null; then ok iproute2 "$(ip -V 2>&1 | head -1)"; else fail iproute2 "ip missing: make deps"; fi

go=$(PATH=/usr/local/go/bin:$PATH go env GOVERSION 2>/dev/null)
case "$go" in
go1.2[2-9]* | go1.[3-9][0-9]*) ok go "$go" ;;
"") fail go "not installed: make deps" ;;
*) fail go "$go: the steps need Go 1.22 or later (make deps)" ;;
esac

# The rootfs and each container's upper directory live under RUNT_DATA.
dir=$data
while [ ! -d "$dir" ]; do dir=$(dirname "$dir"); done
free=$(df -Pk "$dir" | awk 'NR == 2 {print int($4 / 1024)}')
fs=$(stat -fc %T "$dir")
if [ "$free" -lt 1024 ]; then
	fail disk "$free MiB free for $data; the busybox rootfs needs little, debian about 400 MiB"
elif [ "$fs" = overlayfs ] || [ "$fs" = nfs ] || [ "$fs" = v9fs ] || [ "$fs" = vboxsf ]; then
	fail disk "$data is on $fs: an overlay's upper directory cannot be there; set RUNT_DATA to a local disk"
else
	ok disk "$free MiB free for $data ($fs)"
fi

if [ -d "$data/rootfs/busybox" ]; then ok rootfs "$data/rootfs/busybox"; else warn rootfs "none yet: make rootfs builds it"; fi

if [ "$failed" -gt 0 ]; then
	echo "$failed check(s) failed"
	exit 1
fi
echo "this machine is ready"
