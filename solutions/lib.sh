# lib.sh: what the solution scripts share; check.sh runs each script in a
# patched copy of the repository with BIN, ORIG_BIN (the unpatched step),
# STEP and TREE set. A script fails at the first check that does not hold.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

# property BIN PATTERN [TIMEOUT]: run the properties of the copy's suite whose
# names match PATTERN (a go test -run pattern below step*/) against BIN, and
# fail unless at least one ran (a run cut short by TIMEOUT counts). Its status
# is the suite's. go test splits both a -run pattern and a test's name at
# every "/", so a property whose name begins with "/" ("/dev holds …") cannot
# be picked out alone: check what it checks directly instead.
property() {
	local bin=$1 pattern=$2 timeout=${3:-10m} out rc=0
	out=$(cd "$TREE/tests" && RUNT_STEP=$STEP RUNT_BIN=$bin RUNT_ESCAPE=$TREE/bin/escape \
		go test -count=1 -v -timeout "$timeout" -run "TestProperties/step[0-9]+/$pattern" ./... 2>&1) || rc=$?
	echo "$out" | grep -E -- '--- (PASS|FAIL|SKIP)|^panic: test timed out' >&2 || true
	echo "$out" | grep -qE -- "--- (PASS|FAIL): TestProperties/step[0-9]+/|^panic: test timed out" ||
		fail "no property matched $pattern"
	return $rc
}

# holds PATTERN: the new or changed property passes against the solution and
# fails against the step as it is, so it proves the change. Against the step
# as it is, a property may also hang (a signal nobody handles): 60 s is plenty
# for any one property here, so the run stops there and counts as a failure.
holds() {
	property "$BIN" "$1" || fail "property $1 fails against the solution"
	if property "$ORIG_BIN" "$1" 60s; then
		fail "property $1 also passes without the solution: it proves nothing"
	fi
	echo "property $1: passes with the solution, fails without"
}
