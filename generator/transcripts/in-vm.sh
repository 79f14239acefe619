#!/bin/bash
# in-vm.sh: what the recording machine runs (vm/record/boot.sh, started by
# "make transcripts"), with the repository as its working directory. It sets
# the machine up as "make rootfs" would (there is no Go in it: bin/ was built
# on the host with the Go the workshop VM installs), then runs every
# transcript of the docs and leaves the recording in /record-out.
set -uo pipefail
sh rootfs-scripts/busybox.sh /var/lib/runt/rootfs/busybox >/dev/null || exit 1
export RUNT_RECORDING_MACHINE=1
# make ONLY=NN leaves the prefix of the docs to record in /record-out/only.
only=$(cat /record-out/only 2>/dev/null)
bin/transcripts record -docs docs -repo . -out /record-out/transcripts.json -only "$only"
