# Exercise 2: the classic pivot_root(".", ".oldroot"). Containers on one
# rootfs collide on the directory, a leftover one stops every run, and two
# properties that the "." form passes catch it.
. solutions/lib.sh
# A data directory of our own, so that no one else's container sees our
# .oldroot in the shared busybox rootfs.
export RUNT_DATA=$(mktemp -d /tmp/runt-putold.XXXXXX)
trap 'rm -rf "$RUNT_DATA"' EXIT
mkdir "$RUNT_DATA/rootfs"
cp -a /var/lib/runt/rootfs/busybox "$RUNT_DATA/rootfs/"
rootfs=$RUNT_DATA/rootfs/busybox

# Twenty at once: a run whose mkdir comes while another container's
# .oldroot exists fails. The race is lost by most of them, but a round in
# which the starts happen not to overlap proves nothing: try a few.
for round in 1 2 3 4 5; do
	for i in $(seq 20); do "$BIN" run true 2>>"$RUNT_DATA/errors" & done
	wait || true
	grep -q "mkdir .oldroot: file exists" "$RUNT_DATA/errors" && break
done
grep -q "mkdir .oldroot: file exists" "$RUNT_DATA/errors" ||
	fail "100 runs at once and no collision on .oldroot: $(sort -u "$RUNT_DATA/errors")"
echo "collided: $(grep -c . "$RUNT_DATA/errors") of up to $((round * 20)) runs"
[ ! -e "$rootfs/.oldroot" ] || fail ".oldroot left in the rootfs after every run ended"

# A .oldroot left behind (an init killed between mkdir and rmdir) stops
# every later container on that rootfs; the "." form does not care.
mkdir "$rootfs/.oldroot"
out=$("$BIN" run true 2>&1) && fail "ran with a leftover .oldroot"
echo "$out" | grep -q "file exists" || fail "unexpected error: $out"
"$ORIG_BIN" run true || fail "the step as it is fails on a rootfs with a stray .oldroot"
rmdir "$rootfs/.oldroot"

# The properties that catch it: both pass without the patch.
for p in 'containers_sharing_a_rootfs' 'a_read-only_rootfs_runs'; do
	property "$ORIG_BIN" "$p" || fail "$p fails without the patch"
	if property "$BIN" "$p"; then fail "$p passes with .oldroot"; fi
done
