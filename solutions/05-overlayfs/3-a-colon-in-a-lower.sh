# Exercise 3: --rootfs takes \: for a colon in a name, as lowerdir does;
# the new property stacks a lower named a:b on the busybox rootfs.
. solutions/lib.sh
holds 'a_lower_with_a_colon'
