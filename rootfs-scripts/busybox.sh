#!/bin/sh
# busybox.sh DEST: build the workshop's default root filesystem in DEST.
#
# One static busybox binary (from the distribution's busybox-static package)
# plus a link for each of its applets, the few files in /etc that programs
# expect, and a marker file at / that tests and learners use to tell "inside"
# from "outside". Works offline. Idempotent: a finished DEST is left alone.
set -eu

dest=${1:?usage: busybox.sh DEST}
[ -f "$dest/runt-rootfs" ] && exit 0

# A dynamically linked busybox would need the host's libc inside the rootfs.
busybox=/bin/busybox
if [ ! -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	echo "busybox.sh: need a static $busybox; run 'make deps' (Debian package busybox-static)" >&2
	exit 1
fi

# Build next to DEST and rename at the end, so an interrupted build never
# looks finished.
tmp="$dest.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
mkdir -p "$tmp"
cd "$tmp"

mkdir -p bin sbin usr/bin usr/sbin etc root tmp proc sys dev var/tmp
chmod 1777 tmp var/tmp
chmod 700 root
cp "$busybox" bin/busybox
# Absolute links, as a distribution would make them: they are meant to be
# followed inside the container, never against the host's /.
for applet in $(bin/busybox --list-full); do
	[ -e "$applet" ] || ln -s /bin/busybox "$applet"
done

cat > etc/os-release <<'OS'
NAME="Workshop busybox"
ID=busybox
PRETTY_NAME="Workshop busybox rootfs"
OS
cat > etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > etc/group <<'GR'
root:x:0:
nogroup:x:65534:
GR
echo "busybox rootfs built by rootfs-scripts/busybox.sh" > runt-rootfs

cd - >/dev/null
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "built $dest"
