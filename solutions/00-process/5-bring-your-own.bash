#!/bin/bash
# A step-0 runtime in bash: run CMD as a child, pass it the standard streams,
# forward the signals sent to us, and exit with its status (128+N if signal N
# killed it). make check-0 BIN=$PWD/solutions/00-process/5-bring-your-own.bash
prog=${0##*/}
explaining=

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
	--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) fail 125 "unknown flag $1 (see '$prog run --help')" ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || fail 125 "no command to run (see '$prog run --help')"

# Find CMD as execvp(3) would: a name with a slash as it is, any other name
# in $PATH (type -P skips builtins and functions, which are not programs).
case $1 in
*/*) path=$1 ;;
*) path=$(type -P -- "$1") || fail 127 "$1: command not found" ;;
esac
[ -e "$path" ] || fail 127 "$1: command not found"
[ -f "$path" ] && [ -x "$path" ] || fail 126 "$1: cannot execute: permission denied"

# Catch the signals before the child starts, so that none sent once it runs
# can kill us instead (a Go runtime calls signal.Notify first for the same
# reason); one that comes before the child exists waits in pending. A signal
# with a trap makes wait return at once, with a status above 128: wait again
# until the child has really ended.
child= pending=()
forward() {
	if [ -z "$child" ]; then
		pending+=("$1")
		return
	fi
	explain "kill($child, SIG$1)"
	kill -s "$1" "$child" 2>/dev/null
	forwarded=1
}
for sig in INT TERM HUP QUIT; do
	trap "forward $sig" "$sig"
done

# Without job control, bash starts a background job with stdin on /dev/null
# and SIGINT and SIGQUIT ignored; a subshell also drops our traps. The job
# gets our stdin back through a copy (closed before the exec), and the
# default actions back with trap -.
exec {stdin}<&0
explain "fork(), then in the child: execve(\"$path\", $*)"
(
	trap - INT QUIT
	exec -a "$1" "$path" "${@:2}" <&"$stdin" {stdin}<&-
) &
child=$!
exec {stdin}<&-
for sig in "${pending[@]}"; do
	forward "$sig"
done

while :; do
	forwarded=
	wait "$child"
	status=$?
	[ -n "$forwarded" ] && [ "$status" -gt 128 ] || break
done
explain "wait4($child) = exit status $status"
exit "$status"
