# vm.sh: sourced by the scripts of solutions whose property needs cgroup v2,
# which this machine (v1) cannot give. check-vm boots a qemu VM on a pure
# cgroup v2 kernel and runs every property of steps 0..STEP there (vm/README.md),
# about two minutes under emulation.

# holds_on_v2 NAME: in the VM, the property whose name (spaces as _) contains
# NAME passes against BIN, with every other property, and fails against
# ORIG_BIN. The tests are the patched copy's in both runs.
holds_on_v2() {
	local name=$1 which log
	for which in BIN ORIG_BIN; do
		log=$TREE.vm-$which.log
		make -C "$TREE" --no-print-directory check-vm STEP="$STEP" BIN="${!which}" VM_BUILD="$TREE.vm" >"$log" 2>&1 || true
		tr -d '\r' <"$log" | grep -E -- "--- (PASS|FAIL|SKIP): TestProperties/step[0-9]+/.*$name|^VM-RESULT|^boot.sh: boot" >&2 || true
	done
	tr -d '\r' <"$TREE.vm-BIN.log" | grep -qx 'VM-RESULT: PASS' ||
		fail "check-vm fails against the solution: $(tr -d '\r' <"$TREE.vm-BIN.log" | grep -E -- '--- FAIL' | head -5)"
	tr -d '\r' <"$TREE.vm-BIN.log" | grep -qE -- "--- PASS: TestProperties/step[0-9]+/.*$name" ||
		fail "no property matching $name passed in the VM"
	tr -d '\r' <"$TREE.vm-ORIG_BIN.log" | grep -qE -- "--- FAIL: TestProperties/step[0-9]+/.*$name" ||
		fail "property $name does not fail in the VM without the solution: it proves nothing"
	rm -rf "$TREE.vm" "$TREE".vm-*.log
	echo "property $name, on cgroup v2 in the VM: passes with the solution, fails without"
}

# passes_on_v2 NAME: in the VM, every property of steps 0..STEP passes
# against BIN, the one whose name contains NAME included.
passes_on_v2() {
	local name=$1 log=$TREE.vm-BIN.log
	make -C "$TREE" --no-print-directory check-vm STEP="$STEP" BIN="$BIN" VM_BUILD="$TREE.vm" >"$log" 2>&1 || true
	tr -d '\r' <"$log" | grep -E -- "--- (PASS|FAIL|SKIP): TestProperties/step[0-9]+/.*$name|^VM-RESULT|^boot.sh: boot" >&2 || true
	tr -d '\r' <"$log" | grep -qx 'VM-RESULT: PASS' ||
		fail "check-vm fails against the solution: $(tr -d '\r' <"$log" | grep -E -- '--- FAIL' | head -5)"
	tr -d '\r' <"$log" | grep -qE -- "--- PASS: TestProperties/step[0-9]+/.*$name" ||
		fail "no property matching $name passed in the VM"
	rm -rf "$TREE.vm" "$log"
	echo "property $name, on cgroup v2 in the VM: passes"
}
