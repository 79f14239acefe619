# Exercise 4: a read-only bind mount of the rootfs onto itself. Writes to the
# rootfs fail, and so do writes to /tmp, until /tmp gets a mount of its own.
# All of it in a mount namespace of this script's, on a copy of the rootfs:
# step 1 has no mount namespace, and its mounts would be the host's.
. solutions/lib.sh
copy=$(mktemp -d /tmp/readonly.XXXXXX)
trap 'rm -rf "$copy"' EXIT
cp -a "${RUNT_DATA:-/var/lib/runt}/rootfs/busybox/." "$copy"
unshare --mount --propagation private bash -euo pipefail -c '
	. solutions/lib.sh
	copy=$1
	mount --bind "$copy" "$copy"
	mount -o remount,bind,ro "$copy"
	"$BIN" run --rootfs "$copy" touch /etc/x 2>/dev/null && fail "touch /etc/x succeeded on a read-only rootfs"
	err=$("$BIN" run --rootfs "$copy" touch /etc/x 2>&1) || true
	grep -q "Read-only file system" <<<"$err" || fail "touch /etc/x: $err"
	echo "$err"
	err=$("$BIN" run --rootfs "$copy" sh -c "echo hello >/tmp/x" 2>&1) && fail "writing /tmp succeeded on a read-only rootfs"
	echo "$err"
	# A writable /tmp of its own (a tmpfs) puts /tmp back, and only /tmp.
	mount -t tmpfs tmp "$copy/tmp"
	[ "$("$BIN" run --rootfs "$copy" sh -c "echo hello >/tmp/x && cat /tmp/x")" = hello ] || fail "/tmp on tmpfs is not writable"
	"$BIN" run --rootfs "$copy" touch /etc/x 2>/dev/null && fail "touch /etc/x succeeded after the tmpfs"
	echo "with a tmpfs on /tmp: /tmp writable, /etc still read-only"
' sh "$copy"
[ ! -e "$copy/etc/x" ] || fail "/etc/x exists in the copy"
