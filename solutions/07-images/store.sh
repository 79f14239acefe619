# store.sh: sourced by the scripts of step 7's solutions. Each script gets a
# data directory of its own, RUNT_DATA under /var/tmp, so that its image
# store ($store, RUNT_DATA/images) and its containers' directories are its
# own, never /var/lib/runt's; on exit everything in it goes, any mount left
# under it first. Besides lib.sh's helpers it gives $work (scratch space),
# $busybox (the rootfs of make rootfs) and:
#
#	image NAME OUT LAYER...   rootfs-scripts/oci-image.sh, quietly
#	manifest NAME             the digest images.json gives NAME
#	                          (as the store spells it: docker.io/library/x:y)
#	blob DIGEST               the file of a blob in the store
#	lowers NAME               NAME's layer directories, top first (exercise 1)
. solutions/lib.sh
busybox=/var/lib/runt/rootfs/busybox
[ -d "$busybox" ] || fail "no busybox rootfs at $busybox: make rootfs"
sandbox=$(mktemp -d /var/tmp/runt-images.XXXXXX)
export RUNT_DATA=$sandbox/data
store=$RUNT_DATA/images
work=$sandbox/work
mkdir -p "$RUNT_DATA" "$work"

cleanup() {
	# A container a failed check left behind holds an overlay under
	# RUNT_DATA: rm -r must not walk into it.
	awk -v dir="$sandbox/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r mnt; do umount -l "$mnt"; done
	rm -rf "$sandbox"
}
trap cleanup EXIT

image() { sh "$TREE/rootfs-scripts/oci-image.sh" "$@" >/dev/null; }

manifest() { jq -r --arg name "$1" '.[] | select(.name == $name) | .manifest' "$store/images.json"; }

blob() { echo "$store/blobs/sha256/${1#sha256:}"; }

# lowers NAME: index -> manifest -> config -> rootfs.diff_ids, bottom
# first; each diff ID names a directory of layers/.
lowers() {
	local m c
	m=$(manifest "$1")
	[ -n "$m" ] || fail "images.json names no image $1"
	c=$(jq -r .config.digest "$(blob "$m")")
	jq -r '.rootfs.diff_ids[]' "$(blob "$c")" | tac | sed "s,^sha256:,$store/layers/,"
}
