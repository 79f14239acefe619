#!/bin/sh
# alpine.sh DEST: build an Alpine Linux root filesystem in DEST.
#
# Alpine publishes a "minirootfs" with every release: musl libc, busybox, apk
# and the files in /etc, a few MB as a tarball. This downloads one pinned
# release for this machine's architecture from dl-cdn.alpinelinux.org, checks
# it against the sha256 published next to it, and unpacks it. Needs internet.
# Idempotent: a finished DEST is left alone.
#
# RUNT_ALPINE_MIRROR replaces https://dl-cdn.alpinelinux.org/alpine, e.g. with
# a classroom mirror that has the same layout.
set -eu

version=3.20.10 # the newest release of the v3.20 branch when pinned
branch=v${version%.*}
mirror=${RUNT_ALPINE_MIRROR:-https://dl-cdn.alpinelinux.org/alpine}

dest=${1:?usage: alpine.sh DEST}
[ -f "$dest/runt-rootfs" ] && exit 0

die() {
	echo "alpine.sh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (the rootfs's files must belong to root and its other users); try sudo"
command -v curl >/dev/null || die "curl is not installed; run 'make deps'"

# Alpine's names for architectures, from Debian's (dpkg) or the kernel's (uname -m).
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
case $arch in
amd64 | x86_64) arch=x86_64 ;;
arm64 | aarch64) arch=aarch64 ;;
armhf | armv7l) arch=armv7 ;;
i386 | i686) arch=x86 ;;
*) die "Alpine publishes no minirootfs for architecture '$arch'; use make rootfs or make rootfs-debian" ;;
esac

file=alpine-minirootfs-$version-$arch.tar.gz
url=$mirror/$branch/releases/$arch/$file

# Download and unpack next to DEST and rename at the end, so an interrupted
# build never looks finished; on any failure, remove everything.
work="$dest.tmp.$$"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
rm -rf "$work"
mkdir -p "$work/rootfs"

fetch() {
	rc=0
	curl -fsS --retry 2 --connect-timeout 20 -o "$2" "$1" 2>"$work/curl.err" || rc=$?
	[ "$rc" = 0 ] && return
	why=$(sed -n '$s/^curl: ([0-9]*) //p' "$work/curl.err")
	# curl exits 22 when the server answered with an HTTP error.
	[ "$rc" = 22 ] && die "cannot download $1 (${why:-HTTP error}): is Alpine $version still on $mirror?"
	die "cannot download $1${why:+ ($why)}: needs internet; use make rootfs (offline) or make rootfs-debian"
}
fetch "$url.sha256" "$work/$file.sha256"
echo "alpine.sh: downloading $url"
fetch "$url" "$work/$file"

# The .sha256 file is "HASH  NAME", as sha256sum writes it.
want=$(cut -d ' ' -f 1 "$work/$file.sha256")
case $want in
*[!0-9a-f]* | '') die "$url.sha256 is not a sha256 checksum file" ;;
esac
got=$(sha256sum "$work/$file" | cut -d ' ' -f 1)
[ "$got" = "$want" ] || die "$file does not match its published sha256 (got $got, want $want); run it again to download afresh"

tar -xzf "$work/$file" -C "$work/rootfs" --numeric-owner ||
	die "cannot unpack $file; is there enough space in $(dirname "$dest")?"

# The minirootfs has no /etc/resolv.conf. The host's lets apk work inside
# while a container still shares the host's network (steps 1-5); from step 6
# the runtime writes its own.
if [ ! -e "$work/rootfs/etc/resolv.conf" ] && [ -f /etc/resolv.conf ]; then
	cat /etc/resolv.conf >"$work/rootfs/etc/resolv.conf"
fi
echo "Alpine Linux $version ($arch minirootfs) rootfs built by rootfs-scripts/alpine.sh from $url" >"$work/rootfs/runt-rootfs"

mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$work/rootfs" "$dest"
rm -rf "$work"
trap - EXIT
echo "built $dest ($(du -sh "$dest" | cut -f1), Alpine Linux $version)"
