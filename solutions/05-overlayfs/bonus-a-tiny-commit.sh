# Bonus: a kept upper, copied with cp -a, is a layer: stacked on the rootfs
# it keeps the deletions. Then the portable form, a tar with OCI whiteouts
# (bonus-layer-tar.go), read back with tar.
. solutions/lib.sh
work=$(mktemp -d /tmp/runt-commit.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=$("$BIN" run --keep sh -c 'rm /etc/passwd && rm -r /usr/sbin && mkdir /usr/sbin && echo new > /usr/sbin/only-me && echo hi > /greeting' 2>&1)
upper=$(echo "$out" | sed -n 's/.*kept the container.s changes in //p')
[ -n "$upper" ] || fail "no kept upper: $out"
cp -a "$upper" "$work/layer"
rm -rf "$(dirname "$upper")"

got=$("$BIN" run --rootfs "$work/layer:/var/lib/runt/rootfs/busybox" sh -c 'cat /greeting; ls /usr/sbin; test -e /etc/passwd || echo no-passwd')
echo "$got"
[ "$got" = "$(printf 'hi\nonly-me\nno-passwd')" ] || fail "the committed layer does not replay the changes"

(cd "$work" && GOWORK=off go run "$TREE/solutions/05-overlayfs/bonus-layer-tar.go" layer > layer.tar)
list=$(tar -tvf "$work/layer.tar")
echo "$list"
echo "$list" | grep -q '^-.* 0 .* etc/\.wh\.passwd$' || fail "no empty etc/.wh.passwd"
echo "$list" | grep -q '^-.* 0 .* usr/sbin/\.wh\.\.wh\.\.opq$' || fail "no usr/sbin/.wh..wh..opq"
echo "$list" | grep -q ' usr/sbin/only-me$' || fail "the new file is missing"
echo "$list" | grep -q '^c' && fail "a device node is left in the layer"
true
