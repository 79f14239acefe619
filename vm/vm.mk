# The property suite on a pure cgroup v2 kernel, in a small qemu VM (vm/README.md).
# Included by the main Makefile, so STEP_NUMS, GO and the build target are at hand.
#
#   make deps-vm                 qemu and the distribution's kernel (idempotent)
#   make check-vm [STEP=N] [BIN=path]
#                                every property of steps 0..N, inside the VM
#   make shell-vm [STEP=N]       a shell in the same VM, to look at cgroup v2 by hand

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
VM_PACKAGES := qemu-system-x86 cpio kmod zstd

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
