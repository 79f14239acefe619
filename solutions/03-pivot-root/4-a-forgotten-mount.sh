# Exercise 4: without detachOldRoot the old root stays stacked on /, and
# "/.." leads onto it: the host's files, the escape included.
. solutions/lib.sh
marker=$(mktemp /tmp/runt-host-marker.XXXXXX)
trap 'rm -f "$marker"' EXIT

# A path walk that lands on the root by ".." also enters the mounts stacked
# on it (follow_dotdot, then step_into in fs/namei.c).
"$BIN" run sh -c "test -e /..$marker" || fail "/..$marker is not the host's file"
"$ORIG_BIN" run sh -c "test -e /..$marker" && fail "the step as it is reaches the host through /.."
echo "/.. leads to the host; with detachOldRoot it is /"

out=$("$BIN" run sh -c 'umount /; echo "status $?"' 2>&1)
echo "$out" | grep -q "Device or resource busy" || fail "umount / inside: $out"
echo "umount / inside: $(echo "$out" | head -1)"

for p in 'the_step-1_chroot_escape' "mountinfo_inside_lists_only"; do
	property "$ORIG_BIN" "$p" || fail "$p fails without the patch"
	if property "$BIN" "$p"; then fail "$p passes with the old root attached"; fi
done
