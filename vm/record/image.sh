#!/bin/bash
# image.sh IMG: build the recording machine's disk (vm/README.md, "The
# recording machine"): a sparse raw ext4 image holding Debian 12 made by
# debootstrap, systemd as PID 1, hostname runt, the modules of the kernel
# boot.sh boots, and runt-record.service, which runs the script named by
# runt.record= on the kernel command line. Needs root (debootstrap, device
# nodes) and deb.debian.org (RECORD_MIRROR to change). No loop mount: the
# tree is built in a directory and written into the image by mkfs.ext4 -d.
#
# Everything the VM gets is in this file, but for the busybox rootfs that
# rootfs-scripts/busybox.sh makes: a hash of both, and the kernel version,
# name the cached image (record-image in vm/vm.mk).
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C

img=${1:?usage: image.sh IMG}
repo=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${RECORD_MIRROR:-http://deb.debian.org/debian}
size=${RECORD_IMAGE_SIZE:-3G}
# The kernel boot.sh boots (the newest /boot/vmlinuz-*) must find its
# modules on the disk: overlay, veth, bridge, nf_tables... load on demand.
kernel=${VM_KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1)}
kver=${RECORD_KVER:-$(basename "${kernel:-vmlinuz-}" | sed 's/^vmlinuz-//')}

[ "$(id -u)" = 0 ] || { echo "image.sh: run as root (debootstrap and mkfs need it)" >&2; exit 1; }
[ -n "$kver" ] && [ -f "/lib/modules/$kver/modules.dep" ] ||
	{ echo "image.sh: no kernel with modules in /boot and /lib/modules; run 'make deps-vm'" >&2; exit 1; }
for tool in debootstrap mkfs.ext4 depmod; do
	command -v "$tool" >/dev/null || { echo "image.sh: no $tool; run 'make deps-vm'" >&2; exit 1; }
done

# The learner's VM after "vagrant up" has what its provisioner's "make deps"
# installs (busybox-static debootstrap hyperfine make git ca-certificates curl
# xz-utils iproute2 util-linux procps nftables jq): all of them are here, so a
# transcript's "make ..." finds them too; gcc and libc6-dev, which make deps
# adds for the exercises in C, are not, since no transcript compiles. The
# rest is for the docs' commands (strace, ping, getfattr, killall/pstree,
# python3) and for systemd itself.
# locales: Ubuntu's server install sets LANG=en_US.UTF-8, which sort and ls
# order by; C.UTF-8 would order differently. No recommends (debootstrap
# installs none): no dbus, no timesyncd, nothing that wants a network.
packages=time,systemd,systemd-sysv,udev,kmod,iproute2,nftables,util-linux,procps,busybox-static,strace,iputils-ping,attr,psmisc,python3-minimal,less,findutils,coreutils,make,ca-certificates,locales,debootstrap,hyperfine,git,curl,xz-utils,jq

start=$(date +%s)
dir=$(dirname "$img")
mkdir -p "$dir" "$dir/debs"
stage=$(mktemp -d "$dir/stage.XXXXXX")
root=$stage/root

# debootstrap mounts proc and sys inside the target while it installs; if it
# dies they stay. Unmount whatever is left under the stage before removing
# it, and never rm -rf across a mount.
cleanup() {
	local m
	for m in $(findmnt -rn -o TARGET | grep "^$stage/" | sort -r); do umount -l "$m" || true; done
	if findmnt -rn -o TARGET | grep "^$stage/" >/dev/null; then
		echo "image.sh: mounts left under $stage; not removing it" >&2
	else
		rm -rf "$stage"
	fi
	rm -f "$img.tmp"
}
trap cleanup EXIT

echo "image.sh: debootstrap bookworm from $mirror (about a minute; log in $stage/debootstrap.log)"
# --cache-dir keeps the .debs for the next build (when this file changes).
# An Ubuntu host needs Debian's keyring to check the mirror (make deps-vm).
keyring=()
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] && keyring=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$dir/debs" "${keyring[@]}" \
	bookworm "$root" "$mirror" >"$stage/debootstrap.log" 2>&1; then
	tail -n 30 "$stage/debootstrap.log" >&2
	[ -f "$root/debootstrap/debootstrap.log" ] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
	echo "image.sh: debootstrap failed" >&2
	exit 1
fi

# Modules of the VM's kernel, without the subtrees no headless VM without a
# NIC loads (GPUs, sound, Wi-Fi, Ethernet cards, InfiniBand...): half of
# its 400 MB.
echo "image.sh: kernel modules of $kver"
mkdir -p "$root/usr/lib/modules"
(cd /lib/modules && tar -c --exclude="$kver/kernel/drivers/gpu" --exclude="$kver/kernel/drivers/media" \
	--exclude="$kver/kernel/drivers/infiniband" --exclude="$kver/kernel/drivers/net/wireless" \
	--exclude="$kver/kernel/drivers/net/ethernet" --exclude="$kver/kernel/sound" \
	--exclude="$kver/kernel/drivers/staging" --exclude="$kver/kernel/net/wireless" \
	--exclude="$kver/kernel/net/mac80211" --exclude="$kver/kernel/drivers/bluetooth" \
	--exclude="$kver/kernel/net/bluetooth" --exclude="$kver/kernel/drivers/iio" \
	--exclude="$kver/kernel/drivers/isdn" --exclude="$kver/build" --exclude="$kver/source" "$kver") |
	tar -x -C "$root/usr/lib/modules"
depmod -b "$root" "$kver"

echo runt >"$root/etc/hostname"
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1	localhost
127.0.1.1	runt

::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
EOF
# No fsck (root is mounted rw by the kernel), and the disk is a throwaway
# snapshot anyway.
echo "/dev/vda / ext4 rw,relatime 0 0" >"$root/etc/fstab"
echo "en_US.UTF-8 UTF-8" >"$root/etc/locale.gen"
chroot "$root" locale-gen >/dev/null
echo LANG=en_US.UTF-8 >"$root/etc/default/locale"
ln -sf /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"
echo Etc/UTC >"$root/etc/timezone"
# A fixed machine id: the same on every boot, and no "first boot" (which
# would start systemd-firstboot and its prompts).
tr -d - </proc/sys/kernel/random/uuid >"$root/etc/machine-id"
# Nobody logs in: no getty on the console, whose login prompt would only
# clutter the serial log, nor on tty2-6 (Debian's getty-static). No timers
# (apt, fstrim, e2scrub, dpkg backups) that could start mid-recording.
for unit in serial-getty@ttyS0.service getty@tty1.service getty-static.service apt-daily.timer apt-daily-upgrade.timer \
	fstrim.timer e2scrub_all.timer e2scrub_reap.service dpkg-db-backup.timer; do
	ln -sf /dev/null "$root/etc/systemd/system/$unit"
done
# The apt lists debootstrap left would be stale, and nothing can reach a
# mirror from the VM.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin

# The learner's VM was provisioned with "make deps rootfs": the busybox
# rootfs exists before any doc's command runs. Build it the same way, with
# the repository's script and the image's own busybox. (At every boot it
# would cost 12 s under TCG: a fork and exec per applet link.)
cp "$repo/rootfs-scripts/busybox.sh" "$root/tmp/busybox.sh"
chroot "$root" sh /tmp/busybox.sh /var/lib/runt/rootfs/busybox >/dev/null
rm "$root/tmp/busybox.sh"
# Docs 01 and later also use "make rootfs-debian" (a debootstrap of this
# host's release, which needs the mirror the VM cannot reach): made here.
RUNT_DEBIAN_MIRROR=$mirror sh "$repo/rootfs-scripts/debian.sh" "$root/var/lib/runt/rootfs/debian" >/dev/null

# The runner. It mounts the two 9p shares boot.sh exports (the repository,
# and the directory the results go to), then runs /workshop/SCRIPT as a
# "sudo -i" root shell of the learner's VM would: cwd /workshop, that
# environment (the service's, below), stdin /dev/null. It writes the
# script's stdout and stderr to /record-out/console.log and its exit status
# to /record-out/status; the unit then powers the machine off. Lines starting
# "runt-record:" go to the serial console, where boot.sh times them.
mkdir -p "$root/usr/local/sbin" "$root/workshop" "$root/record-out"
cat >"$root/usr/local/sbin/runt-record" <<'EOF'
#!/bin/bash
set -u
say() { echo "runt-record: $*"; }
script=
for arg in $(cat /proc/cmdline); do
	case "$arg" in runt.record=*) script=${arg#runt.record=} ;; esac
done
[ -n "$script" ] || { say "no runt.record=SCRIPT on the kernel command line"; exit 1; }
say "up"

# msize: 9p's default of 8 KiB per message makes reading binaries slow.
modprobe -a 9pnet_virtio 9p
for share in workshop:/workshop record-out:/record-out; do
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "${share%%:*}" "${share#*:}" ||
		{ say "cannot mount the 9p share ${share%%:*}"; exit 1; }
done

# The clock came from the emulated RTC, up to a second behind the host's:
# files the script makes in /workshop would get host times "in the future",
# and "ls -l" shows the year instead of the time for those. A file created
# on the share gets the host's time from qemu: take it from there, plus half
# a second: more than the ~0.1 s this takes under TCG, and no "ls -l" shows it.
: >/record-out/.clock &&
	date -s "@$(awk -v t="$(stat -c %.9Y /record-out/.clock)" 'BEGIN {printf "%.9f", t + 0.5}')" >/dev/null
rm -f /record-out/.clock

[ -e "/workshop/$script" ] || { say "no /workshop/$script"; echo 127 >/record-out/status; exit 0; }
cd /workshop
say "running $script"
# The learner types the commands in a shell of an ssh session: its cgroup
# is the session's scope, /user.slice/user-1000.slice/session-N.scope
# (vagrant is uid 1000; "sudo -i" stays in that scope), and docs/03 tells of
# it. A transient scope of the same name puts the script there too, rather
# than in system.slice/runt-record.service. systemd-run execs the script
# itself, so its environment, cwd and file descriptors are this shell's.
rc=0
run=("/workshop/$script")
[ -x "/workshop/$script" ] || run=(bash "/workshop/$script")
systemd-run --quiet --scope --slice=user-1000.slice --unit=session-1.scope -- "${run[@]}" \
	>/record-out/console.log 2>&1 </dev/null || rc=$?
echo "$rc" >/record-out/status.tmp && mv /record-out/status.tmp /record-out/status
sync
say "done, status $rc"
EOF
chmod 0755 "$root/usr/local/sbin/runt-record"

# The service runs as root in the host's namespaces, with nothing taken
# away: a container runtime needs the real /tmp, /dev, mounts (/ is shared,
# as systemd makes it), every capability, and cgroups. Its cgroup is
# system.slice/runt-record.service, but the runner puts the script in a
# session-like scope (above), where a learner's shell is. Delegate=yes
# still hands the service's subtree to it, should a runner ever want child
# cgroups there (the runtime makes its own under /sys/fs/cgroup/runt, which
# root may anyway); the default KillMode kills whatever is left at the end.
# IgnoreSIGPIPE=no: systemd ignores SIGPIPE in services by default, and
# children inherit that; a shell's "yes | head" would then print EPIPE
# errors a learner never sees. The environment is the one "sudo -i" gives
# the vagrant user on Ubuntu 24.04 (secure_path without /snap/bin, LANG
# from /etc/default/locale, an ssh client's TERM, SUDO_*).
# After=multi-user.target: the machine is fully up first. SuccessAction and
# FailureAction: power off once the runner is done, whatever happened;
# -force skips stopping units one by one (the disk is a throwaway snapshot
# and the results are synced), so nothing the script left running can
# delay the end.
cat >"$root/etc/systemd/system/runt-record.service" <<'EOF'
[Unit]
Description=Record: run /workshop/SCRIPT (runt.record=SCRIPT) as root, then power off
After=multi-user.target
ConditionKernelCommandLine=runt.record
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
Type=exec
ExecStart=/usr/local/sbin/runt-record
Environment=HOME=/root USER=root LOGNAME=root SHELL=/bin/bash MAIL=/var/mail/root
Environment=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
Environment=LANG=en_US.UTF-8 TERM=xterm-256color
Environment=SUDO_USER=vagrant SUDO_UID=1000 SUDO_GID=1000 SUDO_COMMAND=/bin/bash
WorkingDirectory=/root
StandardInput=null
StandardOutput=journal+console
StandardError=journal+console
IgnoreSIGPIPE=no
Delegate=yes

[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/runt-record.service "$root/etc/systemd/system/multi-user.target.wants/runt-record.service"

findmnt -rn -o TARGET | grep "^$stage/" >/dev/null && { echo "image.sh: something is still mounted under $stage" >&2; exit 1; }
echo "image.sh: writing the ext4 image ($size, sparse)"
rm -f "$img.tmp"
truncate -s "$size" "$img.tmp"
mkfs.ext4 -q -F -L runt -d "$root" "$img.tmp"
mv "$img.tmp" "$img"
echo "image.sh: $img: $(du -h --apparent-size "$img" | cut -f1) image, $(du -h "$img" | cut -f1) on disk, kernel modules of $kver; built in $(($(date +%s) - start))s"
