# Exercise 5: step 0's bash runtime (00-process/5-bring-your-own.bash) with
# --rootfs added by 5-your-own-runtime.patch; every property of steps 0 and 1
# must hold for it.
. solutions/lib.sh
property "$TREE/solutions/00-process/5-bring-your-own.bash" '.' ||
	fail "a property of step 0 or 1 fails against the bash runtime"
echo "the bash runtime has every property of steps 0 and 1"
