#!/bin/bash
# initramfs.sh OUT STEP BIN ESCAPE TESTBIN KVER TIOCSTI: build the test VM's initramfs
# (cpio newc, gzip) at OUT. It holds everything the property suite needs on
# the VM's "host", and nothing from the machine it was built on but:
#   - static busybox with a link for each applet: the VM's userland;
#   - the static binary under test at /bin/stepSTEP, bin/escape, the static
#     test binary at /tests/props.test, and the busybox rootfs at
#     /var/lib/runt/rootfs/busybox, where the runtime looks by default;
#   - kernel modules of KVER (VM_MODULES) with their dependencies, loaded in
#     order at boot: later steps need overlay, veth, bridge, nf_tables...;
#   - a few dynamically linked host programs (VM_HOST_BINS) with the shared
#     libraries ldd names, where busybox's applet falls short (see below);
#   - vm/init as /init.
set -euo pipefail
export PATH=$PATH:/sbin:/usr/sbin # modprobe, for a user without sbin in PATH

out=${1:?usage: initramfs.sh OUT STEP BIN ESCAPE TESTBIN KVER TIOCSTI}
step=$2 bin=$3 escape=$4 testbin=$5 kver=$6 tiocsti=$7
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

# busybox's unshare turns "--propagation unchanged" (step 3's shared-/ test)
# into mount("none", "/", 0), which fails with EINVAL: use util-linux's.
host_bins=${VM_HOST_BINS:-unshare nft}
# From step 8 the properties start registries of their own.
[ "$step" -ge 8 ] && host_bins="$host_bins docker-registry"
modules=${VM_MODULES:-overlay veth bridge br_netfilter nf_tables nft_chain_nat nft_nat nft_masq nft_ct nft_compat nft_fib_inet nft_fib_ipv4 iptable_nat iptable_filter xt_MASQUERADE xt_nat xt_conntrack xt_addrtype}
# The suite's own limit, a minute inside boot.sh's: a hang then ends with
# Go's goroutine dump on the console rather than a silent kill.
test_timeout=${VM_TEST_TIMEOUT:-$((${VM_TIMEOUT:-600} - 60))s}

# Everything copied in runs on another kernel with no libc of its own.
for f in /bin/busybox "$bin" "$escape" "$testbin"; do
	if [ ! -x "$f" ] || ldd "$f" >/dev/null 2>&1; then
		echo "initramfs.sh: $f is missing or not static (build with CGO_ENABLED=0; busybox: package busybox-static)" >&2
		exit 1
	fi
done
moddir=/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || { echo "initramfs.sh: no $moddir; run 'make deps-vm'" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/runt-vm-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cd "$stage"

mkdir -p bin sbin usr/bin usr/sbin etc/runt-vm proc sys dev tmp run root tests var/lib/runt/rootfs
cp /bin/busybox bin/busybox
for applet in $(bin/busybox --list-full); do
	[ -e "$applet" ] || ln -s /bin/busybox "$applet"
done

for name in $host_bins; do
	path=$(command -v "$name") || { echo "initramfs.sh: no $name on this machine" >&2; exit 1; }
	# The host's program replaces busybox's applet of the same name everywhere.
	rm -f {bin,sbin,usr/bin,usr/sbin}/"$name"
	mkdir -p ".$(dirname "$path")"
	cp -L "$path" ".$path"
	# ldd: "libc.so.6 => /lib/.../libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
	for lib in $(ldd "$path" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
		mkdir -p ".$(dirname "$lib")"
		cp -L "$lib" ".$lib"
	done
done

install -m 0755 "$here/init" init
install -m 0755 "$bin" "bin/step$step"
install -m 0755 "$escape" bin/escape
install -m 0755 "$testbin" tests/props.test
install -m 0755 "$tiocsti" tests/tiocsti
sh "$repo/rootfs-scripts/busybox.sh" "$stage/var/lib/runt/rootfs/busybox" >/dev/null
# From step 7 a property makes an image of make rootfs-debian's rootfs: it
# travels too, so that the VM runs every property (under CI, one that cannot
# run fails).
if [ "$step" -ge 7 ]; then
	debian=${RUNT_DATA:-/var/lib/runt}/rootfs/debian
	[ -f "$debian/runt-rootfs" ] || { echo "initramfs.sh: no $debian; run 'make rootfs-debian' (step 7's Debian image property needs it)" >&2; exit 1; }
	cp -a "$debian" var/lib/runt/rootfs/debian
fi
cat >etc/runt-vm/env <<EOF
RUNT_STEP=$step
RUNT_BIN=/bin/step$step
RUNT_ESCAPE=/bin/escape
RUNT_TIOCSTI=/tests/tiocsti
VM_TEST_TIMEOUT=$test_timeout
EOF
echo "root:x:0:0:root:/root:/bin/sh" >etc/passwd
echo "root:x:0:" >etc/group

# Each module once, after its dependencies; built-in ones need nothing.
# busybox insmod reads only plain .ko files: decompress .ko.xz/.ko.zst.
: >etc/runt-vm/modules
for m in $modules; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}' ||
		echo "initramfs.sh: warning: kernel $kver has no module $m; the VM goes without it" >&2
done | awk '!seen[$0]++' | while read -r ko; do
	plain=${ko%.xz}
	plain=${plain%.zst}
	mkdir -p ".$(dirname "$ko")"
	case "$ko" in
	*.xz) xz -dc "$ko" >".$plain" ;;
	*.zst) zstd -qdc "$ko" >".$plain" ;;
	*) cp "$ko" ".$plain" ;;
	esac
	echo "$plain" >>etc/runt-vm/modules
done

# -R 0:0: everything belongs to root in the VM, whoever built it.
find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1 >"$out"
echo "initramfs: $out ($(du -h "$out" | cut -f1)), kernel modules of $kver: $(wc -l <etc/runt-vm/modules)"
