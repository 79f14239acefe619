#!/bin/bash
# initramfs.sh OUT KVER: a small initramfs (gzipped cpio at OUT) that mounts
# the recording machine's disk and hands over to its systemd. boot.sh uses it
# only when the distribution's /boot/initrd.img-KVER is unreadable or has no
# virtio_blk. It holds static busybox, the modules of KVER a virtio disk
# with ext4 needs (in dependency order, as vm/initramfs.sh does), and an
# /init that loads them, mounts root= and switch_roots to /sbin/init.
set -euo pipefail
export PATH=$PATH:/sbin:/usr/sbin

out=${1:?usage: initramfs.sh OUT KVER}
kver=${2:?usage: initramfs.sh OUT KVER}
modules="virtio_pci virtio_blk ext4"

if [ ! -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
	echo "initramfs.sh: need a static /bin/busybox (Debian package busybox-static; make deps)" >&2
	exit 1
fi
[ -f "/lib/modules/$kver/modules.dep" ] || { echo "initramfs.sh: no /lib/modules/$kver; run 'make deps-vm'" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/runt-record-initrd.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cd "$stage"
mkdir -p bin dev proc sys newroot
cp /bin/busybox bin/busybox
for applet in sh mount umount mkdir sleep cat insmod switch_root; do ln -s busybox "bin/$applet"; done

# Built-in modules print no insmod line. busybox insmod reads plain .ko only.
: >modules
for m in $modules; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
	plain=${ko%.xz}
	plain=${plain%.zst}
	mkdir -p ".$(dirname "$plain")"
	case "$ko" in
	*.xz) xz -dc "$ko" >".$plain" ;;
	*.zst) zstd -qdc "$ko" >".$plain" ;;
	*) cp "$ko" ".$plain" ;;
	esac
	echo "$plain" >>modules
done

cat >init <<'EOF'
#!/bin/sh
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
exec </dev/console >/dev/console 2>&1
while read -r ko; do insmod "$ko" 2>/dev/null; done </modules
root=/dev/vda
for arg in $(cat /proc/cmdline); do case "$arg" in root=*) root=${arg#root=} ;; esac; done
i=0
while [ ! -b "$root" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
mount -t ext4 -o rw "$root" /newroot || { echo "initramfs: cannot mount $root"; sleep 1; exit 1; }
umount /proc
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
EOF
chmod 0755 init

mkdir -p "$(dirname "$out")"
find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1 >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "initramfs.sh: $out ($(du -h "$out" | cut -f1)), modules: $(wc -l <modules)"
