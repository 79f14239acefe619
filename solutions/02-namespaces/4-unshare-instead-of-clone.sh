# Exercise 4: Unshareflags instead of Cloneflags. The child is created in the
# host's namespaces and calls unshare(2) before it executes init. For
# CLONE_NEWPID that moves only its future children (unshare(2)), and a
# process whose children go to another PID namespace may not create threads
# (clone(2), EINVAL for CLONE_THREAD): step 2's init is a Go program, and Go
# cannot start without threads. No patch: the script builds the variant.
. solutions/lib.sh
work=$(mktemp -d /tmp/unshare.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r steps/02-namespaces/. "$work/src"
sed -i 's/Cloneflags: flags,/Unshareflags: flags,/' "$work/src/namespaces.go"
grep -q 'Unshareflags: flags,' "$work/src/namespaces.go" || fail "the sed did not change Cloneflags"
(cd "$work/src" && GOWORK=off go build -o "$work/step2" .)

set +e
err=$("$work/step2" run sh -c 'echo $$' 2>&1)
status=$?
set -e
[ "$status" != 0 ] || fail "the command ran: $err"
grep -q 'failed to create new OS thread.*errno=22' <<<"$err" || fail "status $status: $err"
echo "Unshareflags: status $status, $(grep -m1 'failed to create' <<<"$err")"

# The same unshare(CLONE_NEWPID) from a program with one thread, util-linux's
# unshare without --fork: the shell keeps its host PID and PID namespace, and
# only pid_for_children is new. (Its first child, readlink, becomes PID 1 of
# the new namespace; once that exits, no process can be created there.)
out=$(unshare --pid sh -c 'echo $$; readlink /proc/$$/ns/pid /proc/$$/ns/pid_for_children')
echo "$out"
{ read -r pid; read -r ns; read -r children; } <<<"$out"
[ "$pid" != 1 ] || fail "the shell is PID 1"
[ "$ns" = "$(readlink /proc/self/ns/pid)" ] || fail "the shell's PID namespace $ns is not the host's"
[ "$children" != "$ns" ] || fail "pid_for_children is the host's too"
