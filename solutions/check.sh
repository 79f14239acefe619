#!/bin/bash
# check.sh [PREFIX]: prove every worked solution that is code. Each solution is
# a patch against the repository (solutions/NN-step/K-name.patch) and a script
# beside it (K-name.sh). For each, a copy of the repository without .git and
# bin/ gets the patch, step NN is built from the copy, and the script runs in
# the copy with BIN set to that binary and STEP to NN. A patch that no longer
# applies fails too: the step changed under the solution.
# PREFIX limits the run to solutions/PREFIX* (e.g. 02).
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
only=${1:-}
export PATH=/usr/local/go/bin:$PATH CGO_ENABLED=0

failed=() passed=0
for script in solutions/"$only"*/[0-9]*.sh solutions/"$only"*/bonus*.sh; do
	[ -e "$script" ] || continue
	dir=$(basename "$(dirname "$script")")
	n=$((10#${dir%%-*}))
	name=$dir/$(basename "$script" .sh)
	tree=$(mktemp -d /tmp/runt-solution.XXXXXX)
	log=$tree.log
	(
		set -e
		tar -C "$repo" --exclude=./.git --exclude=./bin -cf - . | tar -C "$tree" -xf -
		cd "$tree"
		patch=${script%.sh}.patch
		[ -e "$patch" ] && git apply --whitespace=nowarn "$patch"
		mkdir -p bin
		(cd steps/"$dir" && go build -o ../../bin/step"$n" .)
		(cd steps/01-chroot && go build -o ../../bin/escape ./escape)
		BIN=$tree/bin/step$n ORIG_BIN=$repo/bin/step$n STEP=$n TREE=$tree bash "$script"
	) >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok    $name"
		passed=$((passed + 1))
	else
		echo "FAIL  $name (exit $rc); its output:"
		sed 's/^/      /' "$log" | tail -n 40
		failed+=("$name")
	fi
	rm -rf "$tree" "$log"
done
echo "check-solutions: ${passed} passed, ${#failed[@]} failed${failed[*]:+: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
