# Exercise 5: step 3's pivot_root in C (5-your-own-runtime.c), without the
# fchdir: the man page's chdir, pivot_root(".", "."), umount2(".") sequence.
# Not a runtime: it proves the dozen lines, not "make check-3".
. solutions/lib.sh
out=$(mktemp -d /tmp/runt-c.XXXXXX)
trap 'rm -rf "$out"' EXIT
gcc -Wall -Werror -o "$out/pivot" solutions/03-pivot-root/5-your-own-runtime.c
marker=$(mktemp -p "$out" host-marker.XXXXXX)

got=$("$out/pivot" /var/lib/runt/rootfs/busybox /bin/sh -c \
	"cat /runt-rootfs; test -e /..$marker && echo reached-host; mount -t proc proc /proc && cut -d' ' -f5 /proc/self/mountinfo")
echo "$got"
[ "$got" = "$(printf '%s\n' "busybox rootfs built by rootfs-scripts/busybox.sh" / /proc)" ] ||
	fail "want the rootfs's marker, no host file, and exactly two mounts: / and /proc"
