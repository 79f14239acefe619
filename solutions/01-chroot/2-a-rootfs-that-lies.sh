# Exercise 2: a link in the rootfs to a file that only the host has. The
# runtime's lookup resolves it inside the rootfs and finds nothing; a lookup
# on the host would have followed it to the host's file.
. solutions/lib.sh
[ -x /usr/bin/apt ] || fail "this check needs a host with /usr/bin/apt"
copy=$(mktemp -d /tmp/lies.XXXXXX)
trap 'rm -rf "$copy"' EXIT
cp -a "${RUNT_DATA:-/var/lib/runt}/rootfs/busybox/." "$copy"
ln -s /usr/bin/apt "$copy/usr/bin/hosttool"

# What filepath.Join plus os.Stat would see: the host's apt.
[ -x "$copy/usr/bin/hosttool" ] || fail "test -x on the host does not follow the link"
[ "$(realpath "$copy/usr/bin/hosttool")" = "$(realpath /usr/bin/apt)" ] || fail "realpath did not lead to the host's apt"

# What step 1 says: not found, 127, before anything starts.
set +e
err=$("$BIN" run --rootfs "$copy" hosttool 2>&1 >/dev/null)
status=$?
set -e
[ "$status" = 127 ] || fail "exit status $status, want 127; stderr: $err"
[ "$err" = "step1: hosttool: command not found in the container's rootfs" ] || fail "stderr: $err"
echo "$err"
