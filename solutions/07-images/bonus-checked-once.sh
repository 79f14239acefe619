# Bonus: a file changed in a layer directory of the store goes unnoticed:
# the run shows it, and loading the same archive again keeps it (the layer
# "is in the store already"); only rmi and load unpack it afresh. A byte
# changed in the config, a blob, is caught on the next run: readBlob checks
# its digest every time.
. solutions/07-images/store.sh
image busybox:latest "$work/busybox.tar" "$busybox"
"$BIN" load "$work/busybox.tar" >/dev/null
layer=$(lowers docker.io/library/busybox:latest)
original=$(cat "$busybox/etc/os-release")

echo 'ID=changed-in-the-store' > "$layer/etc/os-release"
got=$("$BIN" run --net none busybox cat /etc/os-release)
echo "run after the change: $got"
[ "$got" = ID=changed-in-the-store ] || fail "the run does not show the changed file"

out=$("$BIN" --explain load "$work/busybox.tar" 2>&1)
echo "$out" | grep -q "layer sha256:$(basename "$layer") is in the store already" ||
	fail "load read the layer again: $out"
got=$("$BIN" run --net none busybox cat /etc/os-release)
[ "$got" = ID=changed-in-the-store ] || fail "a second load repaired the layer"

"$BIN" rmi busybox >/dev/null
"$BIN" load "$work/busybox.tar" >/dev/null
got=$("$BIN" run --net none busybox cat /etc/os-release)
[ "$got" = "$original" ] || fail "rmi and load did not unpack the layer afresh: $got"

config=$(blob "$(jq -r .config.digest "$(blob "$(manifest docker.io/library/busybox:latest)")")")
sed -i 's/"Cmd":\["sh"\]/"Cmd":["id"]/' "$config"
grep -q '"Cmd":\["id"\]' "$config" || fail "the config was not changed"
status=0
out=$("$BIN" run --net none busybox 2>&1) || status=$?
echo "run after a change to the config: status $status: $out"
[ "$status" = 125 ] || fail "a changed config ran, status $status"
echo "$out" | grep -q 'the image is corrupt' || fail "the line does not say the image is corrupt"
