# The property suite on a pure cgroup v2 kernel, in a small qemu VM (vm/README.md).
# Included by the main Makefile, so STEP_NUMS, GO and the build target are at hand.
#
#   make deps-vm                 qemu and the distribution's kernel (idempotent)
#   make check-vm [STEP=N] [BIN=path]
#                                every property of steps 0..N, inside the VM
#   make shell-vm [STEP=N]       a shell in the same VM, to look at cgroup v2 by hand
#
# The recording machine (vm/README.md): a VM like the learner's, for transcripts.
#   make record-image            its Debian 12 disk image, built once and cached
#   make record-probe            boot it with vm/record/probe.sh and show what it printed
#   make record-run SCRIPT=path  the same with any script of the repo (path relative to it)

# The highest step that exists, unless STEP says otherwise.
VM_STEP = $(or $(STEP),$(lastword $(STEP_NUMS)))
VM_BIN = $(abspath $(or $(BIN),bin/step$(VM_STEP)))
# Built files and the console log: outside the repo (a shared folder in Vagrant).
VM_BUILD ?= $(or $(TMPDIR),/tmp)/runt-vm
# The newest installed kernel; its modules come from /lib/modules/$(VM_KVER).
VM_KERNEL ?= $(lastword $(shell ls /boot/vmlinuz-* 2>/dev/null | sort -V))
VM_KVER ?= $(patsubst vmlinuz-%,%,$(notdir $(VM_KERNEL)))

# Debian's kernel package is linux-image-amd64, Ubuntu's linux-image-generic.
# zstd: Ubuntu's kernel modules are .ko.zst, which busybox insmod cannot read.
# debian-archive-keyring: the recording image is Debian, even on an Ubuntu host
# (debootstrap itself is in 'make deps'; qemu-img is not needed: -snapshot).
VM_PACKAGES := qemu-system-x86 cpio kmod zstd debian-archive-keyring

.PHONY: deps-vm check-vm shell-vm vm-initramfs
## deps-vm: what check-vm needs beyond 'make deps' (idempotent)
deps-vm: deps
	@missing=$$(for p in $(VM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	kernel=; for k in linux-image-amd64 linux-image-generic; do dpkg-query -W -f='$${Status}\n' $$k 2>/dev/null | grep -q '^install ok installed' && kernel=$$k; done; \
	if [ -n "$$missing" ] || [ -z "$$kernel" ]; then \
		apt-get update -qq; \
		if [ -z "$$kernel" ]; then kernel=linux-image-amd64; apt-cache show $$kernel >/dev/null 2>&1 || kernel=linux-image-generic; missing="$$missing $$kernel"; fi; \
		echo "installing:" $$missing; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

vm-initramfs: build
	@[ -n "$(VM_KERNEL)" ] || { echo "no /boot/vmlinuz-*; run 'make deps-vm'" >&2; exit 1; }
	@mkdir -p $(VM_BUILD)
	@cd tests && $(GO) test -c -o $(VM_BUILD)/props.test . && $(GO) build -o $(VM_BUILD)/tiocsti ./testdata/tiocsti
	@bash vm/initramfs.sh $(VM_BUILD)/initramfs-step$(VM_STEP).cpio.gz $(VM_STEP) $(VM_BIN) $(abspath bin/escape) $(VM_BUILD)/props.test $(VM_KVER) $(VM_BUILD)/tiocsti

## check-vm: every property of steps 0..STEP against BIN, on a pure cgroup v2 kernel in qemu
check-vm: vm-initramfs
	@bash vm/boot.sh $(VM_KERNEL) $(VM_BUILD)/initramfs-step$(VM_STEP).cpio.gz $(VM_BUILD)/console-step$(VM_STEP).log

## shell-vm: a shell in the test VM (leave with 'exit', or Ctrl-A X)
shell-vm: vm-initramfs
	@bash vm/boot.sh $(VM_KERNEL) $(VM_BUILD)/initramfs-step$(VM_STEP).cpio.gz $(VM_BUILD)/console-shell.log shell

# The recording machine. image.sh holds everything that goes into the image
# but the busybox rootfs, so a hash of it and of rootfs-scripts/busybox.sh,
# and the kernel whose modules it carries, name the cached image: rebuilt
# when one of them changes, else reused. Outside the repo.
RECORD_BUILD = $(VM_BUILD)/record
RECORD_IMG = $(RECORD_BUILD)/bookworm-$(VM_KVER)-$(shell cat vm/record/image.sh rootfs-scripts/busybox.sh rootfs-scripts/debian.sh | sha256sum | cut -c1-12).img
RECORD_OUT ?= $(RECORD_BUILD)/out

.PHONY: record-image record-probe record-run
## record-image: the recording machine's disk (Debian 12, systemd), built once per image.sh and kernel
record-image:
	@[ -n "$(VM_KERNEL)" ] || { echo "no /boot/vmlinuz-*; run 'make deps-vm'" >&2; exit 1; }
	@if [ -f $(RECORD_IMG) ]; then echo "record-image: $(RECORD_IMG) (cached)"; \
	else bash vm/record/image.sh $(RECORD_IMG) && \
		for old in $(RECORD_BUILD)/bookworm-*.img; do [ "$$old" = $(RECORD_IMG) ] || rm -fv "$$old"; done; fi

## record-probe: boot the recording machine with vm/record/probe.sh and print its output
record-probe: SCRIPT = vm/record/probe.sh
record-probe: RECORD_OUT = $(RECORD_BUILD)/probe
record-probe: record-run

## record-run: boot the recording machine, run SCRIPT (relative to the repo) as root, print its output
record-run: build record-image
	@[ -n "$(SCRIPT)" ] || { echo "usage: make record-run SCRIPT=path/in/repo" >&2; exit 1; }
	@rc=0; bash vm/record/boot.sh $(RECORD_IMG) $(CURDIR) $(RECORD_OUT) $(SCRIPT) || rc=$$?; \
	echo "----- $(RECORD_OUT)/console.log"; cat $(RECORD_OUT)/console.log 2>/dev/null; exit $$rc
