# Exercise 3: with minPids at 1, --pids 1 and 2 never run 'echo hi; ls / | wc -l'
# to the end (it needs three tasks at once: sh, ls, wc), and each failure is
# one of two kinds: the shell cannot fork, or init's Go runtime cannot make a
# thread after the join. --pids 3 can run it. The step as it is refuses
# anything below 10 before it starts.
. solutions/lib.sh
script='echo hi; ls / | wc -l'
want=$(printf 'hi\n%s' "$(ls /var/lib/runt/rootfs/busybox | wc -l)")
for n in 1 2 3; do
	ok=0 fork=0 thread=0
	for try in 1 2 3 4 5 6; do
		status=0
		out=$("$BIN" run --pids "$n" sh -c "$script" 2>&1) || status=$?
		if [ "$status" = 0 ] && [ "$out" = "$want" ]; then
			ok=$((ok + 1))
		elif echo "$out" | grep -q "can't fork: Resource temporarily unavailable"; then
			fork=$((fork + 1))
		elif echo "$out" | grep -q 'fatal error: newosproc'; then
			thread=$((thread + 1))
		else
			fail "--pids $n: an unexpected end (status $status): $out"
		fi
	done
	echo "--pids $n: $ok ran, $fork could not fork, $thread could not make a thread"
	if [ "$n" -lt 3 ] && [ "$ok" != 0 ]; then
		fail "--pids $n ran a pipeline that needs three tasks"
	fi
	if [ "$n" = 3 ] && [ "$ok" = 0 ]; then
		fail "--pids 3 never ran"
	fi
done
status=0
out=$("$ORIG_BIN" run --pids 1 true 2>&1) || status=$?
[ "$status" = 125 ] && echo "$out" | grep -q 'from 10 to' || fail "the step as it is accepted --pids 1: $status $out"
