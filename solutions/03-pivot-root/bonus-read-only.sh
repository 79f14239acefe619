# Bonus: --read-only remounts the container's bind mount of the rootfs
# read-only right after pivot_root; the new property proves it.
. solutions/lib.sh
holds 'read-only_makes'
