# Exercise 1: with MS_SLAVE pivot_root still works on a shared host, a mount
# the host makes afterwards reaches the container, and nothing the container
# mounts reaches the host. The step as it is (MS_PRIVATE) blocks both ways.
. solutions/lib.sh
rootfs=$(mktemp -d /tmp/runt-slave.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
cp -a /var/lib/runt/rootfs/busybox/. "$rootfs"
mkdir "$rootfs/mnt"
mkfifo "$rootfs/ready" "$rootfs/go"

# In a mount namespace of its own, where / is made shared as systemd leaves
# it: the container mounts a tmpfs and says so through a fifo; then the
# "host" mounts one in the rootfs, lets the container go on, and the
# container counts the host's mount in its table. Prints
# "container-sees-host:N host-sees-container:N".
experiment() {
	unshare --mount --propagation unchanged bash -c '
		set -e
		mount --make-rshared /
		"$2" run --rootfs "$1" sh -c "mount -t tmpfs made-in-container /tmp && echo > /ready && read go < /go &&
			echo container-sees-host:\$(grep -c made-on-host /proc/1/mountinfo)" > "$1/out" &
		read line < "$1/ready"
		mount -t tmpfs made-on-host "$1/mnt"
		host=$(grep -c made-in-container /proc/self/mountinfo || true)
		echo > "$1/go"
		wait $! || true
		umount "$1/mnt"
		echo "$(cat "$1/out") host-sees-container:$host"' _ "$rootfs" "$1"
}

got=$(experiment "$BIN")
echo "MS_SLAVE:   $got"
[ "$got" = "container-sees-host:1 host-sees-container:0" ] || fail "with MS_SLAVE: $got"
got=$(experiment "$ORIG_BIN")
echo "MS_PRIVATE: $got"
[ "$got" = "container-sees-host:0 host-sees-container:0" ] || fail "with MS_PRIVATE: $got"
