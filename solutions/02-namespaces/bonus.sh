# Bonus: a bind mount of /proc/PID/ns/uts keeps a UTS namespace alive after
# its last process; the same mount of a PID namespace keeps it too, but no
# process can be created in it once its init is gone. The mounts are made in
# a mount namespace of this script's, so the host's mount table never sees them.
. solutions/lib.sh
unshare --mount --propagation private bash -euo pipefail -c '
	. solutions/lib.sh
	work=$(mktemp -d /tmp/keepns.XXXXXX)
	trap "umount $work/uts $work/pid 2>/dev/null; rm -rf $work" EXIT
	touch "$work/uts" "$work/pid"
	mkfifo "$work/go"
	"$BIN" run --hostname kept sh -c "echo ready; read line; exit 0" <"$work/go" >"$work/out" &
	rt=$!
	exec 9>"$work/go" # the container reads its stdin until this closes
	for _ in $(seq 100); do grep -q ready "$work/out" && break; sleep 0.1; done
	pid1=$(pgrep -P "$rt" -x sh)
	mount --bind "/proc/$pid1/ns/uts" "$work/uts"
	mount --bind "/proc/$pid1/ns/pid" "$work/pid"
	exec 9>&- # the container ends
	wait "$rt"
	! kill -0 "$pid1" 2>/dev/null || fail "PID 1 of the container is still there"
	[ "$(nsenter --uts="$work/uts" hostname)" = kept ] || fail "the UTS namespace is gone"
	echo "nsenter --uts: $(nsenter --uts="$work/uts" hostname)"
	set +e
	err=$(nsenter --pid="$work/pid" true 2>&1)
	status=$?
	set -e
	[ "$status" != 0 ] && grep -q "Cannot allocate memory" <<<"$err" || fail "nsenter --pid: status $status, $err"
	echo "nsenter --pid: $err"
'
