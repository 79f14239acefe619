#!/bin/bash
# boot.sh IMG REPO OUTDIR SCRIPT: boot the recording machine (vm/README.md)
# from the disk image.sh built, run REPO/SCRIPT in it as root, and exit with
# its status.
#
# REPO is the VM's /workshop and OUTDIR its /record-out, both shared
# read-write over virtio-9p. runt-record.service in the image runs
# /workshop/SCRIPT once the machine is up and leaves in OUTDIR:
#   console.log  the script's stdout and stderr
#   status       its exit status
# and boot.sh adds serial.log, the VM's console (kernel, systemd, runner).
# The image itself is never written: -snapshot sends every write to a
# throwaway overlay, so each boot starts from the same clean disk.
# Exit status: the script's; 124 if the VM did not finish within VM_TIMEOUT
# seconds (default 1800); 125 if it stopped without a status (a panic, a
# share that would not mount...). VM_RECORD_CONSOLE=1 shows the console live,
# VM_APPEND adds kernel arguments, VM_MEMORY sets MiB (2048).
set -uo pipefail

usage="usage: boot.sh IMG REPO OUTDIR SCRIPT (SCRIPT relative to REPO)"
img=${1:?$usage} repo=${2:?$usage} out=${3:?$usage} script=${4:?$usage}
timeout=${VM_TIMEOUT:-1800}
here=$(cd "$(dirname "$0")" && pwd)

[ -f "$img" ] || { echo "boot.sh: no image $img (make record-image)" >&2; exit 1; }
repo=$(cd "$repo" && pwd) || exit 1
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 1
# The script's path travels on the kernel command line: one word.
case "$script" in
/* | *[[:space:]]* | '') echo "boot.sh: SCRIPT must be a path relative to REPO, without spaces: '$script'" >&2; exit 1 ;;
esac
[ -f "$repo/$script" ] || { echo "boot.sh: no $repo/$script" >&2; exit 1; }

# The newest kernel, whose modules image.sh put on the disk.
kernel=${VM_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)}
kver=$(basename "${kernel:-vmlinuz-}" | sed 's/^vmlinuz-//')
[ -r "$kernel" ] || { echo "boot.sh: cannot read kernel '$kernel' (make deps-vm; on Ubuntu /boot/vmlinuz-* is readable by root only)" >&2; exit 1; }

# The image must hold this kernel's modules, or overlay, veth, bridge and
# nf_tables would be missing in the VM and a recording would show errors a
# learner never sees. debugfs reads the ext4 image without mounting it.
if command -v debugfs >/dev/null && ! debugfs -R "stat /usr/lib/modules/$kver/modules.dep" "$img" 2>/dev/null | grep Inode: >/dev/null; then
	echo "boot.sh: $img has no modules of kernel $kver; build an image for it (make record-image)" >&2
	exit 1
fi

# The initramfs only has to mount a virtio disk and start the image's
# systemd. By default a small one of our own (initramfs.sh, cached by a hash
# of it): under TCG it boots 6-8 s sooner than Debian's 31 MB one (udev,
# every storage driver), and it does not depend on how the host's initramfs
# was configured. VM_INITRD=host takes /boot/initrd.img-KVER instead (Debian's
# mounts the virtio root too: MODULES=most has virtio_blk); any other value
# is a path.
initrd=${VM_INITRD:-}
case "$initrd" in
host) initrd=/boot/initrd.img-$kver ;;
'')
	initrd=${VM_BUILD:-${TMPDIR:-/tmp}/runt-vm}/record/initrd-$kver-$(sha256sum "$here/initramfs.sh" | cut -c1-12).cpio.gz
	if [ ! -f "$initrd" ]; then
		for old in "$(dirname "$initrd")/initrd-$kver-"*.cpio.gz; do [ "$old" = "$initrd" ] || rm -f "$old"; done
		bash "$here/initramfs.sh" "$initrd" "$kver" || exit 1
	fi
	;;
esac
[ -r "$initrd" ] || { echo "boot.sh: cannot read initramfs $initrd" >&2; exit 1; }

# KVM only when the CPU has vmx/svm and /dev/kvm opens (see vm/boot.sh: a
# /dev/kvm without them cannot run a stock kernel); else TCG emulation.
accel=${VM_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if grep -qw -e vmx -e svm /proc/cpuinfo && (exec 3<>/dev/kvm) 2>/dev/null; then
		accel=kvm
	fi
fi
if [ "$accel" = kvm ]; then
	accel=(-accel kvm -cpu host) how=KVM
else
	accel=(-accel tcg -cpu max) how=TCG
fi

# systemd is PID 1 (the image's /sbin/init), on cgroup v2 alone: unified
# hierarchy, and no v1 hierarchy can even be mounted. panic=-1 with
# -no-reboot: a kernel that panics ends qemu at once instead of hanging.
append="root=/dev/vda rw console=ttyS0 quiet panic=-1 systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all runt.record=$script ${VM_APPEND:-}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runt-record.XXXXXX")
serial=$out/serial.log
rm -f "$out/status" "$out/status.tmp" "$out/console.log" "$serial"

# qemu in the background, so that an interrupt here can stop it: timeout(1)
# puts it in a process group of its own, where a Ctrl-C does not reach.
vm=
cleanup() {
	if [ -n "$vm" ] && kill -0 "$vm" 2>/dev/null; then
		kill "$(cat "$tmp/qemu.pid" 2>/dev/null)" 2>/dev/null
		wait "$vm"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "boot.sh: interrupted" >&2; exit 130' INT TERM

# Host times of the runner's console lines: when the script starts, ends.
stamp() {
	local line
	while IFS= read -r line; do
		case "$line" in
		*"runt-record: up"*) date +%s.%N >"$tmp/t_up" ;;
		*"runt-record: running "*) date +%s.%N >"$tmp/t_script" ;;
		*"runt-record: done"*) date +%s.%N >"$tmp/t_done" ;;
		esac
		printf '%s\n' "$line"
		[ -n "${VM_RECORD_CONSOLE:-}" ] && printf '%s\n' "$line" >&2
	done
}

echo "boot.sh: $(basename "$kernel") with $how, $(basename "$initrd"), /workshop/$script; console in $serial"
t0=$(date +%s.%N)
# -nic none: no network, as nothing in a recording may depend on one.
# -snapshot's overlay is a temporary file in TMPDIR: ours, removed at exit.
# -virtfs security_model=none: files the VM's root creates belong to
# whoever runs qemu, and a failed chown is not an error.
{
	TMPDIR=$tmp timeout -k 10 "$timeout" qemu-system-x86_64 "${accel[@]}" -smp 2 -m "${VM_MEMORY:-2048}" \
		-nographic -no-reboot -nic none -pidfile "$tmp/qemu.pid" \
		-kernel "$kernel" -initrd "$initrd" -append "$append" \
		-drive "file=$img,format=raw,if=virtio,cache=unsafe" -snapshot \
		-virtfs "local,path=$repo,mount_tag=workshop,security_model=none,id=workshop" \
		-virtfs "local,path=$out,mount_tag=record-out,security_model=none,id=record-out" \
		</dev/null 2>&1
	echo $? >"$tmp/qemu.rc"
} | stamp >"$serial" &
vm=$!
wait "$vm"
t1=$(date +%s.%N)
qemu_rc=$(cat "$tmp/qemu.rc" 2>/dev/null || echo 1)

since() { echo "$1 $2" | awk '{printf "%.1f", $2 - $1}'; }
if [ -f "$tmp/t_script" ]; then
	ts=$(cat "$tmp/t_script")
	times="boot to script $(since "$t0" "$ts")s"
	[ -f "$tmp/t_up" ] && times="$times (systemd up after $(since "$t0" "$(cat "$tmp/t_up")")s)"
	[ -f "$tmp/t_done" ] && td=$(cat "$tmp/t_done") &&
		times="$times, script $(since "$ts" "$td")s, poweroff $(since "$td" "$t1")s"
else
	times="the script never started"
fi
echo "boot.sh: $times; ${how} VM ran $(since "$t0" "$t1")s"

if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	tail -n 20 "$serial" >&2
	echo "boot.sh: the VM did not finish within ${timeout}s (VM_TIMEOUT)" >&2
	exit 124
fi
status=$(cat "$out/status" 2>/dev/null)
if ! [[ "$status" =~ ^[0-9]+$ ]]; then
	tail -n 30 "$serial" >&2
	echo "boot.sh: the VM stopped without a status (qemu exit $qemu_rc); see $serial" >&2
	exit 125
fi
echo "boot.sh: $script exited $status; its output is in $out/console.log"
exit "$status"
