# Exercise 3: --init keeps the runtime's init as PID 1, with the command as
# its child. The new property proves that SIGTERM now stops a command with
# no handler; the checks below show that orphans are reaped, and that such a
# container dies with its runtime even without the sentinel.
. solutions/lib.sh
holds 'with_--init,_SIGTERM_to_the_runtime'

work=$(mktemp -d /tmp/tiny-init.XXXXXX)
cleanup() {
	[ -z "${rt:-}" ] || kill -KILL "$rt" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
# until COMMAND: poll a condition that no event announces, for at most 10 s.
until_() { for _ in $(seq 100); do eval "$1" && return 0; sleep 0.1; done; fail "still not: $1"; }

# Busybox's sh needs /dev/null for a background job; step 2 has no /dev. The
# orphans read a FIFO that the shell opened once for all three, and end when
# this script closes its end of it.
cp -a "${RUNT_DATA:-/var/lib/runt}/rootfs/busybox" "$work/rootfs"
rm -f "$work/rootfs/dev/null"
mknod -m 666 "$work/rootfs/dev/null" c 1 3
mkfifo "$work/rootfs/go"
orphans='exec 3</go; (cat <&3 &); (cat <&3 &); (cat <&3 &); exec 3<&-; exec sleep 1000'

# Without --init, the three orphans become zombies of PID 1, sleep.
"$BIN" run --rootfs "$work/rootfs" sh -c "$orphans" &
rt=$!
exec 9>"$work/rootfs/go" # returns once the shell has opened the FIFO
until_ 'pid1=$(pgrep -P "$rt" -x sleep)'
[ "$(ps --no-headers --ppid "$pid1" | wc -l)" = 3 ] || fail "PID 1 does not have the 3 orphans"
exec 9>&-
until_ '[ "$(ps -o stat= --ppid "$pid1" | grep -c Z)" = 3 ]'
echo "without --init: 3 zombies under PID 1"
kill -KILL "$rt"; wait "$rt" 2>/dev/null || true

# With --init, init reaps them: in the end its one child is the command.
"$BIN" run --init --rootfs "$work/rootfs" sh -c "$orphans" &
rt=$!
exec 9>"$work/rootfs/go"
until_ 'init=$(pgrep -P "$rt" -f "^step2 init$") && pgrep -P "$init" -x sleep >/dev/null'
[ "$(ps --no-headers --ppid "$init" | wc -l)" = 4 ] || fail "init does not have the command and the 3 orphans"
exec 9>&-
until_ '[ "$(ps -o comm= --ppid "$init")" = sleep ]'
echo "with --init: no zombies, init's only child is the command"
kill -KILL "$rt"; wait "$rt" 2>/dev/null || true

# init never changes its credentials, so its parent-death signal stays set:
# with the sentinel killed first, the runtime's death still ends a command
# that dropped root (the step-2 transcript where it did not).
"$BIN" run --init su -s /bin/sh nobody -c "echo ready; sleep 100$$" >"$work/out" &
rt=$!
until_ 'grep -q ready "$work/out"'
init=$(pgrep -P "$rt" -f '^step2 init$')
sentinel=$(pgrep -P "$rt" -f '^step2 sentinel$')
kill -KILL "$sentinel"
kill -KILL "$rt"; wait "$rt" 2>/dev/null || true
timeout 10 tail --pid="$init" -f /dev/null || fail "init outlived its runtime"
pgrep -u nobody -f "sleep 100$$" >/dev/null && fail "the command outlived its runtime"
echo "with --init: the container died with its runtime, sentinel or not"
