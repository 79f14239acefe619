# Exercise 4: a hard link to /etc/shadow is refused as text (an absolute
# name), one to ../../../etc/shadow as text too (".."), one to evil/shadow
# through evil -> /etc by openat2 RESOLVE_BENEATH (EXDEV). One to a file of
# the layer below finds no such name in its own layer. Each load exits 125
# with one line, leaves the store as it was and /etc/shadow untouched; a
# hard link within one layer works.
. solutions/07-images/store.sh
image busybox:latest "$work/busybox.tar" "$busybox"
"$BIN" load "$work/busybox.tar" >/dev/null
links=$(stat -c %h /etc/shadow)

mkdir -p "$work/src/bin"
cd "$work/src"
echo mine > f
ln f g
ln -s /etc evil
echo other > bin/other
# GNU tar stores g as a hard link to f; the transform's flags RSh rename
# only hard link targets: not f itself (R), nor symlink targets (S).
tar -cf ../abs.tar --absolute-names --transform 's,^f$,/etc/shadow,RSh' f g
tar -cf ../dotdot.tar --absolute-names --transform 's,^f$,../../../etc/shadow,RSh' f g
tar -cf ../through.tar --transform 's,^f$,evil/shadow,RSh' evil f g
tar -cf ../below.tar --transform 's,^f$,bin/busybox,RSh' bin f g
tar --delete -f ../below.tar f # g is the only name: the target is busybox's /bin/busybox
tar -cf ../same.tar f g
cd "$TREE"

# refused NAME EXPECTED: the image with NAME's tar on busybox is refused
# with one line that contains EXPECTED, and leaves nothing.
refused() {
	local status=0 out
	image "link:$1" "$work/$1-image.tar" "$busybox" "$work/$1.tar"
	echo "$1: $(tar -tvPf "$work/$1.tar" | grep ' link to ')"
	out=$("$BIN" load "$work/$1-image.tar" 2>&1) || status=$?
	echo "  $out"
	[ "$status" = 125 ] || fail "$1: load exited $status"
	[ "$(echo "$out" | wc -l)" = 1 ] || fail "$1: want one line"
	case $out in *"$2") ;; *) fail "$1: the line does not end with: $2" ;; esac
	[ "$(ls "$store/layers")" = "$(basename "$(lowers docker.io/library/busybox:latest)")" ] || fail "$1: a layer is left"
	[ -z "$(ls "$store/tmp")" ] || fail "$1: tmp/ is not empty"
	! "$BIN" images | grep -q '^link ' || fail "$1: images lists it"
}
refused abs 'entry "g": hard link to "/etc/shadow": an absolute name: a layer'\''s names are relative to its root'
refused dotdot 'entry "g": hard link to "../../../etc/shadow": the name leads outside the layer, through ".."'
refused through 'entry "g": hard link: evil/shadow leads outside the layer, through a symlink'
refused below 'entry "g": hard link to "bin/busybox": linkat: no such file or directory'
[ "$(stat -c %h /etc/shadow)" = "$links" ] || fail "/etc/shadow's link count changed"

image link:same "$work/same-image.tar" "$busybox" "$work/same.tar"
"$BIN" load "$work/same-image.tar" >/dev/null
got=$("$BIN" run --net none link:same sh -c 'stat -c "%i %h" /f /g | uniq | wc -l; stat -c %h /g; cat /g')
[ "$got" = "$(printf '1\n2\nmine')" ] || fail "a hard link within a layer: $got"
