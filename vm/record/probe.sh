#!/bin/bash
# probe.sh: run by "make record-probe" inside the recording machine (as
# /workshop/vm/record/probe.sh, cwd /workshop). Each line is a fact that
# must hold for a recording to show what a learner sees on the Vagrant VM,
# then the workshop's runtime at work. Exits non-zero if a fact is wrong.
set -u
bad=0
fact() { # fact WHAT WANT COMMAND...: print what COMMAND says, and flag it unless it is WANT
	local got
	got=$("${@:3}" 2>&1)
	printf '%-14s %s\n' "$1:" "$got"
	if [ -n "$2" ] && [ "$got" != "$2" ]; then
		echo "  WRONG: want $2"
		bad=1
	fi
}
run() { # run COMMAND...: show and run it, as a transcript would
	echo "# $*"
	"$@"
	echo "(exit status $?)"
}

fact "PID 1" systemd cat /proc/1/comm
fact "cgroup fs" cgroup2fs stat -fc %T /sys/fs/cgroup
fact "/ propagation" shared findmnt -no PROPAGATION /
fact hostname runt hostname
fact user root whoami
fact cwd /workshop pwd
fact kernel "" uname -r
fact os "" sh -c '. /etc/os-release && echo "$PRETTY_NAME"'
fact cgroup "" cat /proc/self/cgroup
fact controllers "" cat /sys/fs/cgroup/cgroup.subtree_control
fact stdin "" readlink /proc/self/fd/0
fact env "" sh -c 'echo "HOME=$HOME LANG=$LANG TERM=$TERM PATH=$PATH"'
fact SIGPIPE "" sh -c 'grep SigIgn /proc/self/status'
fact "system state" "" systemctl is-system-running
echo

run ls /workshop
run ls /var/lib/runt/rootfs
run sh rootfs-scripts/busybox.sh /var/lib/runt/rootfs/busybox
run bin/step6 run --net none cat /runt-rootfs
run bin/step6 run sh -c 'ip addr show eth0'
run bin/step4 run --memory 64m cat /sys/fs/cgroup/memory.max
run sh -c "lsmod | grep -E '^(overlay|veth|bridge|nf_tables|9p) '"
[ "$bad" = 0 ] || echo "probe: some facts are WRONG"
exit "$bad"
