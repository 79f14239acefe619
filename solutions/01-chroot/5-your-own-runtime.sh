# Exercise 5: the bash runtime of step 0's exercise 5 with --rootfs added
# (5-your-own-runtime.bash); every property of steps 0 and 1 must hold for it.
. solutions/lib.sh
property "$TREE/solutions/01-chroot/5-your-own-runtime.bash" '.' ||
	fail "a property of step 0 or 1 fails against the bash runtime"
echo "the bash runtime has every property of steps 0 and 1"
