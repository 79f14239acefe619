# Exercise 2: three layers; the third makes /app/data opaque, adds c and
# deletes /etc/group, so /app/data holds c alone and /etc/group is gone.
# With the opaque mark in the second layer instead, it hides only what the
# busybox layer has there (nothing): a, b and c all show.
. solutions/07-images/store.sh
mkdir -p "$work/l2/app/data" "$work/l3/app/data" "$work/l3/etc"
echo a > "$work/l2/app/data/a"
echo b > "$work/l2/app/data/b"
echo c > "$work/l3/app/data/c"
touch "$work/l3/app/data/.wh..wh..opq" "$work/l3/etc/.wh.group"
image three:1 "$work/three1.tar" "$busybox" "$work/l2" "$work/l3"
mv "$work/l3/app/data/.wh..wh..opq" "$work/l2/app/data/"
image three:2 "$work/three2.tar" "$busybox" "$work/l2" "$work/l3"
"$BIN" load "$work/three1.tar" >/dev/null
"$BIN" load "$work/three2.tar" >/dev/null

# inside IMAGE EXPECTED-DATA: ls -R /app and cat /etc/group in IMAGE.
inside() {
	local got want
	got=$("$BIN" run --net none "$1" sh -c 'ls -R /app; cat /etc/group 2>&1; echo "cat: $?"')
	want=$(printf '/app:\ndata\n\n/app/data:\n%s\ncat: can'\''t open '\''/etc/group'\'': No such file or directory\ncat: 1' "$2")
	echo "$1:"
	echo "$got"
	[ "$got" = "$want" ] || fail "$1: want
$want"
}
inside three:1 c
inside three:2 "$(printf 'a\nb\nc')"

# Unpacked, the OCI marks are overlayfs's: the whiteout a 0/0 device.
top=$(lowers docker.io/library/three:1 | head -1)
[ "$(stat -c '%F %t:%T' "$top/etc/group")" = "character special file 0:0" ] ||
	fail "etc/group in the top layer is not a 0/0 device"
[ ! -e "$top/app/data/.wh..wh..opq" ] || fail "the opaque mark was unpacked as a file"
