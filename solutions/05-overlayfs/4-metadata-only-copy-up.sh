# Exercise 4: with metacopy=on a chmod of an 8 MiB lower file costs the
# upper an inode, not 8 MiB; without, the whole file is copied up.
. solutions/lib.sh
lower=$(mktemp -d /tmp/runt-metacopy.XXXXXX)
trap 'rm -rf "$lower"' EXIT
head -c 8M /dev/urandom > "$lower/big"
sum=$(md5sum < "$lower/big")

# upper_kib BIN: chmod the file in a --keep container; print the KiB its
# copy-up takes in the kept upper, after checking the data inside.
upper_kib() {
	local out upper
	out=$("$1" run --keep --rootfs "$lower:/var/lib/runt/rootfs/busybox" sh -c 'chmod 600 /big && md5sum < /big' 2>&1)
	upper=$(echo "$out" | sed -n 's/.*kept the container.s changes in //p')
	[ -n "$upper" ] || fail "no kept upper: $out"
	[ "$(echo "$out" | head -1)" = "$sum" ] || fail "the data changed inside: $out"
	[ "$(stat -c %a "$upper/big")" = 600 ] || fail "the upper's copy does not have the new mode"
	echo $(($(stat -c %b "$upper/big") * $(stat -c %B "$upper/big") / 1024))
	rm -rf "$(dirname "$upper")"
}
with=$(upper_kib "$BIN")
without=$(upper_kib "$ORIG_BIN")
echo "chmod of an 8 MiB file: $with KiB in the upper with metacopy=on, $without KiB without"
[ "$with" -lt 64 ] || fail "metacopy=on copied up $with KiB"
[ "$without" -ge 8192 ] || fail "without metacopy only $without KiB were copied up"
