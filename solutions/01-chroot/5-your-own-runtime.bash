#!/bin/bash
# A step-1 runtime in bash: step 0's (00-process/5-bring-your-own.bash), and
# the command runs chrooted into --rootfs, with the container's environment
# and none of the descriptors the runtime inherited.
# make check-1 BIN=$PWD/solutions/01-chroot/5-your-own-runtime.bash
prog=${0##*/}
explaining=
rootfs=${RUNT_DATA:-/var/lib/runt}/rootfs/busybox

# Whatever our caller left open would reach the container: close every
# descriptor but 0, 1 and 2 (and 255, bash's own, which is close-on-exec).
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] && [ "$fd" -ne 255 ] && { exec {fd}<&-; } 2>/dev/null
done

fail() { # fail STATUS MESSAGE: one line on stderr, and the status
	echo "$prog: $2" >&2
	exit "$1"
}
explain() { [ -z "$explaining" ] || echo "[runtime] $*" >&2; }
usage() { echo "usage: $prog [--explain] run [flags] [--] CMD [ARG...]"; }

[ "${1-}" = --explain ] && { explaining=1; shift; }
[ $# -gt 0 ] || fail 125 "no command given (see '$prog run --help')"
[ "$1" = run ] || fail 125 "unknown command \"$1\" (see '$prog run --help')"
shift
while [ $# -gt 0 ]; do
	case $1 in
	--explain) explaining=1 ;;
	--rootfs) [ $# -gt 1 ] || fail 125 "--rootfs needs a directory (see '$prog run --help')"; rootfs=$2; shift ;;
	--rootfs=*) rootfs=${1#--rootfs=} ;;
	--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) fail 125 "unknown flag $1 (see '$prog run --help')" ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || fail 125 "no command to run (see '$prog run --help')"

[ -e "$rootfs" ] || fail 125 "rootfs $rootfs: no such directory; build one with 'make rootfs' or pass --rootfs DIR"
[ -d "$rootfs" ] || fail 125 "rootfs $rootfs: not a directory; pass --rootfs a directory holding a root filesystem"

# chroot(1) does chroot(2), chdir("/") and execvp(3) of CMD, so the kernel
# looks CMD up inside the rootfs, in the PATH that env(1) has just set. It
# reports a command it cannot find (127) or execute (126) in one line.
# Without job control, bash starts a background job with stdin on /dev/null
# and SIGINT and SIGQUIT ignored. The job gets our stdin back through a copy
# (closed before the exec), and the default actions back with trap -.
containerPath=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
chroot=$(type -P chroot) || fail 125 "chroot(1) not found"
exec {stdin}<&0
explain "fork(), then in the child: chroot(\"$rootfs\"), chdir(\"/\"), execve($*)"
(
	trap - INT QUIT
	exec env -i PATH="$containerPath" HOME=/root ${TERM:+TERM="$TERM"} \
		"$chroot" "$rootfs" "$@" <&"$stdin" {stdin}<&-
) &
child=$!
exec {stdin}<&-

# A signal with a trap makes wait return at once, with a status above 128;
# wait again until the child has really ended.
forward() {
	explain "kill($child, SIG$1)"
	kill -s "$1" "$child" 2>/dev/null
	forwarded=1
}
for sig in INT TERM HUP QUIT; do
	trap "forward $sig" "$sig"
done
while :; do
	forwarded=
	wait "$child"
	status=$?
	[ -n "$forwarded" ] && [ "$status" -gt 128 ] || break
done
explain "wait4($child) = exit status $status"
exit "$status"
