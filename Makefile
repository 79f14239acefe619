# The workshop's entry points. Run as root on Linux (the Vagrant VM, or any
# Debian/Ubuntu machine):
#
#   make step-N          build step N, prepare the rootfs, open a shell in a step-N container
#   make check-N [BIN=]  prove every property of steps 0..N against bin/stepN (or your own BIN)
#   make diff-N          what step N changed relative to step N-1: the lesson, in code
#   make test            every module's unit tests, then check-N for every step
#
# Everything the runtime writes (root filesystems, container state) goes under
# RUNT_DATA, on the machine's own filesystem and never in this repository.

SHELL := /bin/bash
export RUNT_DATA ?= /var/lib/runt
ROOTFS := $(RUNT_DATA)/rootfs

STEP_DIRS := $(sort $(wildcard steps/[0-9][0-9]-*))
# N of every step: 00-process -> 0, 01-chroot -> 1, ...
STEP_NUMS := $(foreach d,$(STEP_DIRS),$(shell echo $(notdir $(d)) | sed 's/-.*//; s/^0\(.\)/\1/'))
step_dir = $(filter steps/$(shell printf %02d $(1))-%,$(STEP_DIRS))
MODULES := generator source $(STEP_DIRS) tests

# Static binaries: they run unchanged in any rootfs and in the test VM's initramfs.
export CGO_ENABLED := 0
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

# What "make step-N" prints before the shell: the one new idea of the step.
BANNER_0 := step 0: the container is an ordinary child process. It still sees the whole host.
BANNER_1 := step 1: chroot into a busybox rootfs. Try: ls /, cat /etc/os-release, then read docs/01-chroot.md for the escape.
BANNER_2 := step 2: own hostname, PIDs, mounts and IPC (namespaces). Try: hostname, ps, ls -l /proc/self/ns.
BANNER_3 := step 3: pivot_root, a minimal /dev, read-only /sys. Try: cat /proc/self/mountinfo, ls -l /dev.
BANNER_5 := step 5: an overlay over the read-only rootfs; your writes go to the container's own upper dir. Try: echo hi > /x, then look for it on the host.
BANNER_6 := step 6: a network of its own (veth, bridge runt0, NAT). Try: ip addr, ip route, cat /etc/hosts.
BANNER_4 := step 4: cgroup limits (make step-4 RUN_FLAGS='--memory 64m --pids 50'). Try: cat /proc/self/cgroup, ls /sys/fs/cgroup.
BANNER_8 := step 8: images pulled from a registry (pull, run --pull). The shell runs in the busybox rootfs; try: exit, then bin/step8 pull --help.
BANNER_7 := step 7: images (load, images, rmi, run IMAGE). The shell runs in the busybox rootfs; try: exit, then bin/step7 images.

.PHONY: all doctor reset-host check-solutions bench deps build rootfs rootfs-debian rootfs-alpine image image-debian generate check-generated lint test unit escape clean
all: build

## deps: install every system package the workshop needs (idempotent)
PACKAGES := busybox-static debootstrap hyperfine make git ca-certificates curl xz-utils iproute2 util-linux procps nftables jq
# For the exercises that write a runtime in C, and make check-solutions, which builds their solutions.
PACKAGES += gcc libc6-dev
# Step 8's properties start their own registries; the package's own service stays off.
PACKAGES += docker-registry
deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@if systemctl is-enabled docker-registry >/dev/null 2>&1; then systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi
	@bash .ci/ensure-go.sh

## doctor: check this machine before step 0, one line per check (changes nothing)
doctor:
	@bash host/doctor.sh

## reset-host: remove everything the workshop leaves on this machine (bridge, nft table,
## cgroup parents, /run/runt, RUNT_DATA with the root filesystems, ip_forward if it set it)
reset-host:
	@bash host/reset.sh

## build: bin/stepN for every step, bin/escape (step 1) and bin/untar (step 7)
build:
	@mkdir -p bin
	@set -e; $(foreach n,$(STEP_NUMS),(cd $(call step_dir,$(n)) && $(GO) build -o ../../bin/step$(n) .);)
	@cd $(call step_dir,1) && $(GO) build -o ../../bin/escape ./escape
	@cd $(call step_dir,7) && $(GO) build -o ../../bin/untar ./untar

## rootfs: the busybox root filesystem every step uses by default
rootfs:
	@[ -x /bin/busybox ] || $(MAKE) --no-print-directory deps
	@sh rootfs-scripts/busybox.sh $(ROOTFS)/busybox

## rootfs-debian: Debian/Ubuntu via debootstrap from this machine's apt mirror
rootfs-debian:
	@sh rootfs-scripts/debian.sh $(ROOTFS)/debian

## rootfs-alpine: the Alpine minirootfs (downloads from dl-cdn.alpinelinux.org)
rootfs-alpine:
	@sh rootfs-scripts/alpine.sh $(ROOTFS)/alpine

## image: the busybox rootfs as an OCI archive, $(RUNT_DATA)/archives/busybox.tar, for 'bin/step7 load'
image: rootfs
	@sh rootfs-scripts/oci-image.sh busybox:latest $(RUNT_DATA)/archives/busybox.tar $(ROOTFS)/busybox

## image-debian: the rootfs of rootfs-debian as a three-layer image, $(RUNT_DATA)/archives/debian.tar
image-debian: rootfs-debian
	@sh rootfs-scripts/debian-image.sh $(ROOTFS)/debian $(RUNT_DATA)/archives/debian.tar

## escape: copy the step-1 chroot escape program into the busybox rootfs as /bin/escape
escape: build rootfs
	@install -m 0755 bin/escape $(ROOTFS)/busybox/bin/escape
	@echo "installed $(ROOTFS)/busybox/bin/escape"

## step-N: build step N, ensure the rootfs, and open a shell in a step-N container
step-%: deps build rootfs
	@echo; echo "  $(BANNER_$*)"; echo "  (docs/$(notdir $(call step_dir,$*)).md; exit the shell to leave)"; echo
	@bin/step$* run $(RUN_FLAGS) sh; true

## check-N: every property of steps 0..N, against BIN (default: bin/stepN)
check-%: rootfs build
	cd tests && RUNT_STEP=$* RUNT_BIN=$(abspath $(or $(BIN),bin/step$*)) RUNT_ESCAPE=$(abspath bin/escape) $(GO) test -count=1 $(TESTFLAGS) ./...

## diff-N: the lesson of step N
diff-%:
	@if [ "$*" -lt 1 ]; then echo "diff-N: N must be a step after the first (1 or more)"; exit 1; fi
	@git diff --no-index --stat $(call step_dir,$(shell echo $$(($*-1)))) $(call step_dir,$*) || true
	@git diff --no-index $(call step_dir,$(shell echo $$(($*-1)))) $(call step_dir,$*) || true

## unit: every module's own tests (the property suite runs in check-N)
unit:
	@set -e; for m in generator $(STEP_DIRS); do (cd $$m && $(GO) test -count=1 ./...); done

## test: unit tests, then check-N for every step (with the Debian rootfs, for step 7's Debian image)
test: deps rootfs rootfs-debian build unit
	@set -e; $(foreach n,$(STEP_NUMS),$(MAKE) --no-print-directory check-$(n);)

## check-solutions: apply every worked solution that is code to a copy of the repository
## and prove it there (solutions/README.md); ONLY=02 checks one step's
check-solutions: rootfs build
	@bash solutions/check.sh $(ONLY)

## bench: start latency of every step, with hyperfine (speed is measured here, never in tests)
bench: deps rootfs build
	@bash tests/bench.sh

## generate: write steps/, go.work, the excerpts and figures in docs/ and CONTRACT.md from source/ and tests/
generate:
	@cd generator && GOWORK=off $(GO) run . -src ../source -docs ../docs -tests ../tests -contract ../CONTRACT.md -out ..

## check-generated: fail if steps/, go.work, docs/ or CONTRACT.md differ from what source/ and tests/ generate
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	(cd generator && GOWORK=off $(GO) run . -src ../source -docs ../docs -tests ../tests -contract ../CONTRACT.md -out $$tmp) && \
	diff -ru steps $$tmp/steps && diff -u go.work $$tmp/go.work && \
	for f in docs/*.md; do diff -u $$f $$tmp/$$f || exit 1; done && \
	diff -u CONTRACT.md $$tmp/CONTRACT.md && \
	echo "check-generated: steps/, go.work, docs/ and CONTRACT.md match source/ and tests/"

## lint: gofmt, no direct t.Skip (solutions/ too), go vet on every module, transcript markers in docs/, and an
## arm64 build of every step
## (source/ must be gofmt-clean itself, and the generator refuses a step that is not)
lint:
	@out=$$(gofmt -l generator source steps tests solutions); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@# A test that cannot run skips through need() (tests/suite_test.go), which fails under CI;
	@# so do the tests that worked solutions add as patches.
	@out=$$(grep -rnE '\.Skip(f|Now)?\(' --include='*.go' --include='*.patch' generator source steps tests solutions | grep -v '^tests/suite_test.go:[0-9]*:	t.Skip(reason)$$'); \
	if [ -n "$$out" ]; then echo "skip through need(), which fails when CI is set:"; echo "$$out"; exit 1; fi
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done
	@cd generator && $(GO) run ./transcripts markers -docs ../docs
	@set -e; for d in $(STEP_DIRS); do (cd $$d && GOWORK=off GOARCH=arm64 $(GO) build -o /dev/null ./...); done
	@set -e; for d in $(STEP_DIRS); do (cd $$d && GOWORK=off $(GO) build -o /dev/null ./...); done
	@echo "lint: ok"

## transcripts: record every transcript of the docs on the recording machine (vm/README.md),
## with binaries built by the Go the workshop VM installs, and write the output into docs/
## check-transcripts: the same recording, compared with the docs (CI); changes nothing in docs/
## ONLY=04 limits either to the docs whose names start with 04
# Ubuntu 24.04's golang-go; the go command fetches it from the module proxy.
RECORD_GO ?= go1.22.2
TRANSCRIPTS_OUT = $(VM_BUILD)/record/transcripts
.PHONY: transcripts check-transcripts record-transcripts
# The recording machine works on a copy of the repository (RECORD_TREE), built
# there, so that editing the docs or rebuilding bin/ meanwhile changes nothing
# in a recording, and bin/ keeps the binaries of this machine's Go.
RECORD_TREE = $(VM_BUILD)/record/tree
record-transcripts: record-image
	@rm -rf $(RECORD_TREE) && mkdir -p $(RECORD_TREE) && \
		tar --exclude=./.git --exclude=./bin -cf - . | tar -C $(RECORD_TREE) -xf -
	@cd $(RECORD_TREE) && GOTOOLCHAIN=$(RECORD_GO) $(MAKE) --no-print-directory build && \
		cd tests && GOTOOLCHAIN=$(RECORD_GO) $(GO) build -o ../bin/tiocsti ./testdata/tiocsti
	@cd generator && $(GO) build -o $(RECORD_TREE)/bin/transcripts ./transcripts
	@rm -rf $(TRANSCRIPTS_OUT) && mkdir -p $(TRANSCRIPTS_OUT) && echo "$(ONLY)" > $(TRANSCRIPTS_OUT)/only
	@bash vm/record/boot.sh $(RECORD_IMG) $(RECORD_TREE) $(TRANSCRIPTS_OUT) generator/transcripts/in-vm.sh; \
		rc=$$?; tail -n 40 $(TRANSCRIPTS_OUT)/console.log; exit $$rc
transcripts: record-transcripts
	@$(RECORD_TREE)/bin/transcripts write -docs docs -only "$(ONLY)" -in $(TRANSCRIPTS_OUT)/transcripts.json
check-transcripts: record-transcripts
	@$(RECORD_TREE)/bin/transcripts check -docs docs -only "$(ONLY)" -in $(TRANSCRIPTS_OUT)/transcripts.json

clean:
	rm -rf bin

# The property suite on a pure cgroup v2 kernel, in a small qemu VM: make check-vm.
-include vm/vm.mk
