#!/bin/bash
# boot.sh KERNEL INITRAMFS LOG [shell]: boot the test VM and judge its result.
#
# The VM's /init (vm/init) runs the property suite and prints one line,
# "VM-RESULT: PASS" or "VM-RESULT: FAIL ...", on the serial console, which is
# this script's stdout and LOG. Exit 0 only if PASS was seen: a VM that hung,
# panicked or never got to the tests fails too. With "shell", the VM gives a
# shell on the console instead (make shell-vm) and nothing is judged.
set -uo pipefail

kernel=${1:?usage: boot.sh KERNEL INITRAMFS LOG [shell]}
initrd=$2 log=$3 mode=${4:-test}
timeout=${VM_TIMEOUT:-600}

[ -r "$kernel" ] || { echo "boot.sh: cannot read $kernel (run 'make deps-vm'; on Ubuntu /boot/vmlinuz-* is readable by root only)" >&2; exit 1; }

# KVM when the CPU has hardware virtualization (vmx/svm) and we may open
# /dev/kvm; otherwise plain emulation (TCG): slower, but it works anywhere.
# The CPU flags matter: a /dev/kvm without them (e.g. kvm_pvm, nested in a
# cloud VM) opens fine but cannot run a stock kernel, which hangs at boot.
# VM_ACCEL=kvm or VM_ACCEL=tcg overrides the guess.
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

# cgroup_no_v1=all: no v1 hierarchy can even be mounted, so whatever the
# runtime does, it meets cgroup v2 only. panic=-1 and -no-reboot: a VM whose
# init dies exits at once instead of hanging until the timeout.
append="console=ttyS0 panic=-1 quiet cgroup_no_v1=all"
[ "$mode" = shell ] && append="$append runt_vm_shell" timeout=0

echo "boot.sh: $(basename "$kernel") with $how, console log in $log"
start=$(date +%s.%N)
# -nic none: the tests need loopback only, and no NIC means no option ROM.
timeout --foreground "$timeout" qemu-system-x86_64 "${accel[@]}" -smp 2 -m 1536 \
	-nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$initrd" -append "$append" | tee "$log"
rc=${PIPESTATUS[0]}
took=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')

[ "$mode" = shell ] && exit 0
echo
echo "boot.sh: boot+tests took ${took}s with $how ($(basename "$kernel"))"
if tr -d '\r' <"$log" | grep -qx 'VM-RESULT: PASS'; then
	echo "check-vm: PASS"
	exit 0
fi
[ "$rc" = 124 ] && echo "boot.sh: the VM did not finish within ${timeout}s" >&2
echo "check-vm: FAIL (no 'VM-RESULT: PASS' on the console; see $log)" >&2
exit 1
