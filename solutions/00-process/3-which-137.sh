# Exercise 3: a command killed by signal N kills the runtime with N, so the
# runtime's parent can tell it from exit(128+N); the changed property proves it.
. solutions/lib.sh
holds 'a_command_killed_by_signal_N'

# A signal whose default action dumps core is not raised: the runtime ends
# with 128+N, and leaves no core of its own. perl's $? is the raw wait status.
status=$(perl -e 'system @ARGV; print $?' "$BIN" run sh -c 'kill -SEGV $$')
[ "$status" = $((139 << 8)) ] || fail "after SIGSEGV: wait status $status, want exit 139"
status=$(perl -e 'system @ARGV; print $?' "$BIN" run sh -c 'kill -USR1 $$')
[ "$status" = 10 ] || fail "after SIGUSR1: wait status $status, want killed by signal 10"
echo "SIGSEGV: exit 139; SIGUSR1: killed by SIGUSR1"
