# Exercise 1, second half: CLONE_NEWCGROUP in the clone flags and no unshare
# in init. On v2, with CLONE_INTO_CGROUP, the kernel roots the new namespace
# at the cgroup the child is created in (cgroup_post_fork, Linux 5.7), so
# every property still passes (proved in the check-vm VM). On v1 (here) the
# child is created in the runtime's cgroups and joined later: the namespace
# is rooted there, and the property about the container's view fails.
. solutions/lib.sh
. solutions/04-cgroups/vm.sh
out=$("$BIN" run --memory 48m sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/memory/memory.limit_in_bytes')
echo "$out"
echo "$out" | grep -qE '^[0-9]+:memory:/.+' || fail "on v1 the memory line should show a path below the namespace's root"
[ "$(echo "$out" | tail -1)" != 50331648 ] || fail "on v1 the container should not see its own limit at /sys/fs/cgroup"
if property "$BIN" 'inside,_'; then
	fail "on v1 the property about the container's own cgroup view should fail"
fi
passes_on_v2 'inside,_'
