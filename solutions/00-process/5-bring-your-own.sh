# Exercise 5: a runtime in another language. 5-bring-your-own.bash is one in
# bash, and every property of step 0 must hold for it.
. solutions/lib.sh
property "$TREE/solutions/00-process/5-bring-your-own.bash" '.' ||
	fail "a property of step 0 fails against the bash runtime"
echo "the bash runtime has every property of step 0"
