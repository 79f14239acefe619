# Exercise 7: the cgroup part of step 4 in C. Built with -Wall -Werror; an
# allocation past the limit is OOM-killed (137) and reported with the
# suite's message, the cgroup view inside is rooted at the container's own
# cgroup, and the cgroup is gone afterwards. Proved here, on v1; the program
# takes the v2 branch on a v2 host, which this script does not run.
. solutions/lib.sh
rt=$(mktemp /tmp/runt-own.XXXXXX)
trap 'rm -f "$rt"' EXIT
gcc -Wall -Werror -o "$rt" solutions/04-cgroups/7-your-own-runtime.c
cgroups() { { ls -d /sys/fs/cgroup/runt/*/ /sys/fs/cgroup/*/runt/*/ 2>/dev/null || true; } | sort; }
before=$(cgroups)

status=0
err=$("$rt" 32 sh -c 'exec dd if=/dev/zero of=/dev/null bs=100M count=1' 2>&1 >/dev/null) || status=$?
echo "past the limit: status $status: $err"
[ "$status" = 137 ] || fail "want 137"
echo "$err" | grep -q 'container killed: out of memory (limit 32 MiB)' || fail "no OOM report"

out=$("$rt" 32 sh -c 'grep -E "^0::|:memory:" /proc/self/cgroup; exec dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null') ||
	fail "8 MiB under a 32 MiB limit failed"
echo "inside: $(echo "$out" | tr '\n' ' ')"
echo "$out" | grep -qx '[0-9]*:memory:/\|0::/' || fail "the memory cgroup inside is not /"
! echo "$out" | grep -q ':/.\+' || fail "a cgroup line inside is not /: $out"
[ "$(cgroups)" = "$before" ] || fail "a cgroup is left: $(cgroups)"
