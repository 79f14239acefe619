# Bonus: step 0 on syscall.ForkExec and syscall.Wait4 instead of os/exec.
# Nothing new is promised, so every property of step 0 must still hold.
. solutions/lib.sh
property "$BIN" '.' || fail "a property of step 0 fails on ForkExec and Wait4"

# The narration still reports how the command ended, from the raw wait status.
out=$("$BIN" --explain run sh -c 'kill -TERM $$' 2>&1) && fail "the runtime exited 0 after SIGTERM"
grep -q '^\[runtime\] wait4([0-9]*) = signal: terminated$' <<<"$out" || fail "narration: $out"
echo "ForkExec and Wait4: every step-0 property holds"
