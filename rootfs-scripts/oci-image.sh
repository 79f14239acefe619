#!/bin/sh
# oci-image.sh NAME OUT LAYER [LAYER...]: an OCI image made by hand, with
# tar, gzip, sha256sum and printf, which is all an image is. Each LAYER, a
# directory or a tar file taken as it is, becomes one layer, the first at the
# bottom; a file named .wh.NAME in a directory deletes NAME of the layers
# below, as the OCI image spec says. OUT is an OCI archive: a tar of the
# image layout (oci-layout, index.json, blobs/sha256/HEX), which
# 'stepN load OUT' reads and names NAME (e.g. busybox:latest).
#
# IMAGE_CONFIG, if set, is the config's "config" object: what to run, as whom
# and where, e.g. '{"Entrypoint":["id"],"User":"nobody"}'.
#
# The tars are reproducible: names sorted, owners numeric, every mtime the
# same, no atime or ctime (which --xattrs's pax format would record), gzip
# without a timestamp. The same directories make the same digests.
set -eu

if [ $# -lt 3 ]; then
	echo "usage: $0 NAME OUT DIR|TAR [DIR|TAR...]" >&2
	exit 2
fi
name=$1
out=$2
shift 2

case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) arch=$(uname -m) ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blobs/sha256"

# blob FILE: moves FILE into blobs/sha256/ under the digest of its bytes and
# prints its descriptor's digest and size.
blob() {
	hex=$(sha256sum "$1" | cut -d' ' -f1)
	size=$(stat -c %s "$1")
	mv "$1" "$work/blobs/sha256/$hex"
	echo "sha256:$hex $size"
}

layers=
diff_ids=
for layer; do
	if [ -f "$layer" ]; then
		cp "$layer" "$work/layer.tar"
	else
		tar -C "$layer" --sort=name --numeric-owner --mtime=@1767225600 --xattrs \
			--pax-option=delete=atime,delete=ctime -cf "$work/layer.tar" .
	fi
	# The config lists each layer by the digest of its tar (its diff ID);
	# the manifest by the digest of the blob, here the gzip'd tar.
	diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
	gzip -n "$work/layer.tar"
	set -- $(blob "$work/layer.tar.gz")
	layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$1\",\"size\":$2}"
	diff_ids="$diff_ids${diff_ids:+,}\"$diff_id\""
done

config=${IMAGE_CONFIG:-'{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]}'}
printf '{"architecture":"%s","os":"linux","created":"2026-01-01T00:00:00Z","config":%s,"rootfs":{"type":"layers","diff_ids":[%s]}}' \
	"$arch" "$config" "$diff_ids" >"$work/config.json"
set -- $(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
	"$1" "$2" "$layers" >"$work/manifest.json"
set -- $(blob "$work/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
	"$1" "$2" "$name" >"$work/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"

mkdir -p "$(dirname "$out")"
tar -C "$work" --sort=name --numeric-owner --mtime=@1767225600 -cf "$out.tmp" oci-layout index.json blobs
mv "$out.tmp" "$out"
echo "$out: $name, $(echo "$diff_ids" | tr ',' '\n' | wc -l) layer(s)"
