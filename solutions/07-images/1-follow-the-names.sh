# Exercise 1: images.json -> manifest -> config -> rootfs.diff_ids, reversed,
# names the directories that run busybox:hello stacks, top first; they are
# the lowerdir= of the mount that --explain narrates.
. solutions/07-images/store.sh
mkdir -p "$work/layer2/etc"
echo "from layer 2" > "$work/layer2/hello"
touch "$work/layer2/etc/.wh.os-release"
image busybox:hello "$work/hello.tar" "$busybox" "$work/layer2"
"$BIN" load "$work/hello.tar" >/dev/null

m=$(manifest docker.io/library/busybox:hello)
[ "sha256:$(sha256sum < "$(blob "$m")" | cut -d' ' -f1)" = "$m" ] || fail "the manifest's bytes do not have its digest"
found=$(lowers docker.io/library/busybox:hello)
echo "found with jq, top first:"
echo "$found"
[ "$(echo "$found" | wc -l)" = 2 ] || fail "want two layers"
for dir in $found; do
	[ -d "$dir" ] || fail "$dir is no directory"
done
[ -f "$(echo "$found" | tail -1)/bin/busybox" ] || fail "the bottom layer is not the busybox rootfs"
[ "$(cat "$(echo "$found" | head -1)/hello")" = "from layer 2" ] || fail "the top layer is not layer2"
[ -c "$(echo "$found" | head -1)/etc/os-release" ] || fail "the top layer has no whiteout for /etc/os-release"

# The manifest names the gzip'd blobs: no directory bears those names.
for d in $(jq -r '.layers[].digest' "$(blob "$m")"); do
	[ ! -e "$store/layers/${d#sha256:}" ] || fail "a layer directory is named by the blob digest $d"
done

explained=$("$BIN" --explain run --net none busybox:hello true 2>&1)
lowerdir=$(echo "$explained" | sed -n 's/.*"lowerdir=\([^,]*\),upperdir=.*/\1/p')
echo "--explain: lowerdir=$lowerdir"
[ -n "$lowerdir" ] || fail "no lowerdir in --explain: $explained"
[ "$lowerdir" = "$(echo "$found" | paste -sd:)" ] || fail "--explain stacks other directories"
