#!/bin/sh
# debian-image.sh ROOTFS OUT: the Debian rootfs of 'make rootfs-debian' as an
# image of three layers, the way a build makes them: the system, then its
# configuration and state, then a change that deletes something below (a
# whiteout). The layers are hard-linked copies, so this costs no disk.
set -eu
rootfs=${1:?usage: debian-image.sh ROOTFS OUT}
out=${2:?usage: debian-image.sh ROOTFS OUT}
[ -f "$rootfs/runt-rootfs" ] || { echo "debian-image.sh: no rootfs at $rootfs; run 'make rootfs-debian'" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$(dirname "$out")/debian-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1: everything but /etc and /var. /dev stays empty, as in every image: the
# runtime makes the container's devices, and refuses a layer that carries one.
cp -al "$rootfs" "$work/system"
rm -rf "$work/system/etc" "$work/system/var" "$work/system/dev"
mkdir -m 755 "$work/system/dev"
# 2: /etc and /var.
mkdir "$work/config"
cp -al "$rootfs/etc" "$rootfs/var" "$work/config/"
# 3: the documentation deleted, and a note of what this image is.
mkdir -p "$work/change/usr/share" "$work/change/etc"
: >"$work/change/usr/share/.wh.doc"
echo "three layers: system, config, change (made by rootfs-scripts/debian-image.sh)" >"$work/change/etc/image-layers"

sh "$(dirname "$0")/oci-image.sh" debian:workshop "$out" "$work/system" "$work/config" "$work/change"
