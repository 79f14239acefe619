#!/bin/bash
# bench.sh: start latency of every step, measured with hyperfine (make bench).
# Timed tests are not allowed in the suite; this is where speed is measured.
# Prints one markdown table per comparison: median, mean and range in ms.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-20}
json=$(mktemp)
trap 'rm -f "$json"' EXIT

bench() {
	hyperfine -N --warmup 3 --runs "$runs" --style none --export-json "$json" "$@" >/dev/null 2>&1
	python3 - "$json" <<'PY'
import json, sys
print("| command | median ms | mean ms | min–max ms |")
print("|:--|--:|--:|--:|")
for r in json.load(open(sys.argv[1]))["results"]:
    ms = lambda s: f"{s * 1000:.1f}"
    print(f"| `{r['command']}` | {ms(r['median'])} | {ms(r['mean'])} | {ms(r['min'])}–{ms(r['max'])} |")
PY
}

echo "### run /bin/true, per step ($runs runs), and unshare(1) for scale"
cmds=()
for bin in $(ls bin/step[0-9] | sort -V); do cmds+=("$bin run /bin/true"); done
cmds+=("unshare --fork --pid --mount --uts --ipc true")
bench "${cmds[@]}"

if [ -x bin/step4 ]; then
	echo; echo "### step 4: without and with limits"
	bench "bin/step4 run /bin/true" "bin/step4 run --memory 64m --cpus 0.5 --pids 100 /bin/true"
fi
if [ -x bin/step6 ]; then
	echo; echo "### step 6: network modes"
	bench "bin/step6 run --net host /bin/true" "bin/step6 run --net none /bin/true" "bin/step6 run --net bridge /bin/true"
fi
if [ -x bin/step7 ]; then
	# The busybox image of make image, loaded into a data directory of the
	# bench's own, against the same tree as --rootfs.
	echo; echo "### step 7: an image against --rootfs of the same tree"
	data=$(mktemp -d /var/tmp/runt-bench.XXXXXX)
	trap 'rm -f "$json"; rm -rf "$data"' EXIT
	make --no-print-directory image >/dev/null
	RUNT_DATA=$data bin/step7 load "${RUNT_DATA:-/var/lib/runt}/archives/busybox.tar" >/dev/null
	rootfs=${RUNT_DATA:-/var/lib/runt}/rootfs/busybox
	RUNT_DATA=$data bench "bin/step7 run --net none busybox /bin/true" "bin/step7 run --net none --rootfs $rootfs /bin/true"
fi
