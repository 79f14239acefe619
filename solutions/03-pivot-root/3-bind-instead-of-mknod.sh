# Exercise 3: /dev/null & co. bind-mounted from the host. The same devices,
# six more mounts, and they survive a nodev remount of the /dev tmpfs,
# which mknod'ed nodes do not.
. solutions/lib.sh
[ "$("$BIN" run ls -A /dev | tr '\n' ' ')" = "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " ] ||
	fail "/dev is not the minimal set: $("$BIN" run ls -A /dev)"

out=$("$BIN" run sh -c 'ls -l /dev/null; grep -c " /dev/\(null\|zero\|full\|random\|urandom\|tty\) .* - devtmpfs " /proc/self/mountinfo')
echo "$out"
echo "$out" | grep -q '^crw-rw-rw- .* 1, *3 .*/dev/null$' || fail "/dev/null is not character device 1,3"
[ "$(echo "$out" | tail -1)" = 6 ] || fail "want six bind mounts of the host's devtmpfs in mountinfo"

remount='mount -o remount,nodev /dev && echo x > /dev/null && echo null-opened'
out=$("$BIN" run sh -c "$remount" 2>&1)
[ "$out" = null-opened ] || fail "bind-mounted /dev/null after remount,nodev: $out"
out=$("$ORIG_BIN" run sh -c "$remount" 2>&1) && fail "a mknod'ed /dev/null opened on a nodev /dev"
echo "$out" | grep -q "Permission denied" || fail "unexpected: $out"
echo "mknod'ed, after remount,nodev: $out"
