#!/bin/sh
# debian.sh DEST: build a Debian or Ubuntu root filesystem in DEST.
#
# debootstrap --variant=minbase installs the smallest system that apt can
# manage (no init, no kernel). It uses this machine's own release and apt
# mirror: Debian bookworm from deb.debian.org on a Debian host, Ubuntu noble
# from archive.ubuntu.com (or ports.ubuntu.com on arm64) in the workshop VM.
# Needs the mirror to be reachable; takes a minute or so. Idempotent: a
# finished DEST is left alone.
#
# Overrides, for a host whose apt setup this script cannot read:
#   RUNT_DEBIAN_SUITE=noble  RUNT_DEBIAN_MIRROR=http://archive.ubuntu.com/ubuntu
set -eu

dest=${1:?usage: debian.sh DEST}
[ -f "$dest/runt-rootfs" ] && exit 0

die() {
	echo "debian.sh: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap makes device nodes and chowns files); try sudo"
command -v debootstrap >/dev/null || die "debootstrap is not installed; run 'make deps'"

# Which release: this machine's. Derivatives such as Mint name their Ubuntu
# base in UBUNTU_CODENAME, which is what the mirror knows.
osrel=/etc/os-release
[ -r "$osrel" ] || osrel=/usr/lib/os-release
osvar() { sed -n "s/^$1=//p" "$osrel" | tr -d "\"'"; }
family=debian
case " $(osvar ID) $(osvar ID_LIKE) " in *" ubuntu "*) family=ubuntu ;; esac
suite=${RUNT_DEBIAN_SUITE:-$(osvar UBUNTU_CODENAME)}
suite=${suite:-$(osvar VERSION_CODENAME)}
[ -n "$suite" ] || die "cannot tell this machine's release (no VERSION_CODENAME in $osrel); set RUNT_DEBIAN_SUITE, e.g. bookworm or noble"

# Which mirror: the first apt source of type deb that serves exactly $suite
# (not $suite-updates or $suite-security), in the one-line format
#   deb [signed-by=KEYRING] URI SUITE COMPONENT...
# or the deb822 format of *.sources files (stanzas of Types:, URIs:,
# Suites:, Signed-By:). Prints "URI KEYRING"; KEYRING may be empty.
one_line_sources() {
	awk -v suite="$suite" '
		{ sub(/#.*/, "") }
		$1 != "deb" { next }
		{
			i = 2; opts = ""
			if ($2 ~ /^\[/) {
				while (i < NF && $i !~ /\]$/) opts = opts " " $(i++)
				opts = opts " " $(i++)
			}
			if ($(i + 1) != suite) next
			key = ""
			gsub(/\[/, " ", opts); gsub(/\]/, " ", opts)
			n = split(opts, o, " ")
			for (j = 1; j <= n; j++)
				if (o[j] ~ /^signed-by=/) key = substr(o[j], 11)
			print $i, key
		}' "$@"
}
deb822_sources() {
	awk -v suite="$suite" '
		function stanza_end() {
			if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no" &&
			    (" " suites " ") ~ (" " suite " ") && uris != "") {
				split(uris, u, " ")
				print u[1], key
			}
			types = suites = uris = key = enabled = ""
		}
		FNR == 1 { stanza_end() }
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { stanza_end(); next }
		/^[ \t]/ { next }  # a continuation line, e.g. an inline key
		{
			field = tolower($0); sub(/:.*/, "", field)
			value = $0; sub(/^[^:]*:/, "", value); gsub(/[ \t]+/, " ", value)
			sub(/^ /, "", value); sub(/ $/, "", value)
			if (field == "types") types = value
			else if (field == "uris") uris = value
			else if (field == "suites") suites = value
			else if (field == "signed-by") key = value
			else if (field == "enabled") enabled = value
		}
		END { stanza_end() }' "$@"
}
found=$(
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		if [ -f "$f" ]; then one_line_sources "$f"; fi
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		if [ -f "$f" ]; then deb822_sources "$f"; fi
	done
)
found=$(echo "$found" | head -n 1)
mirror=${RUNT_DEBIAN_MIRROR:-${found%% *}}
mirror=${mirror%/}
[ -n "$mirror" ] || die "no apt source for '$suite' in /etc/apt/sources.list or /etc/apt/sources.list.d/; set RUNT_DEBIAN_MIRROR, e.g. http://deb.debian.org/debian"
# The mirror says whose archive it is, also when it was given by hand.
case $mirror in *ubuntu*) family=ubuntu ;; esac
case $mirror in
http://* | https://* | file:///*) ;;
*) die "apt mirror '$mirror' is not an http(s) or file URI that debootstrap can use; set RUNT_DEBIAN_MIRROR" ;;
esac

# Verify what we download: with the source's own Signed-By keyring, else the
# distribution's archive keyring. debootstrap would go on unverified without
# one, so refuse instead.
keyring=
[ -n "${RUNT_DEBIAN_MIRROR:-}" ] || keyring=${found#* }
[ -f "$keyring" ] || keyring=/usr/share/keyrings/$family-archive-keyring.gpg
[ -f "$keyring" ] || die "no keyring to verify $mirror with ($keyring is missing); install the $family-archive-keyring package"

# A debootstrap older than the release has no script for it; every Ubuntu
# release uses the gutsy script, every Debian release the sid script.
script=
if [ ! -e "/usr/share/debootstrap/scripts/$suite" ]; then
	case $family in
	ubuntu) script=/usr/share/debootstrap/scripts/gutsy ;;
	*) script=/usr/share/debootstrap/scripts/sid ;;
	esac
fi

# debootstrap ignores apt's configuration; honour an apt proxy (a classroom
# apt-cacher-ng, say) through the environment, where it looks.
if [ -z "${http_proxy:-}" ] && command -v apt-config >/dev/null; then
	eval "$(apt-config shell http_proxy Acquire::http::Proxy)"
	[ -z "${http_proxy:-}" ] || export http_proxy
fi

# Build next to DEST and rename at the end, so an interrupted build never
# looks finished. debootstrap mounts /proc and /sys inside the target while
# it configures packages: unmount whatever is left before deleting, and never
# let rm cross into another filesystem.
tmp="$dest.tmp.$$"
log=$(mktemp)
cleanup() {
	if [ -d "$tmp" ]; then
		awk -v p="$tmp/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r |
			while read -r m; do umount -l "$m" || true; done
		rm -rf --one-file-system "$tmp"
	fi
	rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
cleanup
mkdir -p "$tmp"

echo "debian.sh: debootstrap --variant=minbase $suite from $mirror (a minute or so)"
# shellcheck disable=SC2086 # $script is empty or one path
if ! debootstrap --variant=minbase --keyring="$keyring" "$suite" "$tmp" "$mirror" $script >"$log" 2>&1; then
	why=$(grep '^E:' "$log" | tail -n 1)
	die "debootstrap of $suite from $mirror failed: ${why:-$(tail -n 1 "$log")}"
fi

# Leave out what belongs to the host or to the runtime: debootstrap copies the
# host's /etc/hostname (the container gets its name from its UTS namespace).
# /etc/resolv.conf stays, so apt works inside while a container still shares
# the host's network (steps 1-5); from step 6 the runtime writes its own.
# The package lists debootstrap fetched (about 50 MB) and any cached .debs
# go too, as in distribution container images: run apt-get update first.
rm -f "$tmp/etc/hostname"
rm -f "$tmp"/var/lib/apt/lists/*_* "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/cache/apt/*.bin

osname=$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$tmp/usr/lib/os-release" 2>/dev/null || true)
echo "${osname:-$family $suite} rootfs built by rootfs-scripts/debian.sh (debootstrap --variant=minbase $suite from $mirror)" >"$tmp/runt-rootfs"

mkdir -p "$(dirname "$dest")"
rm -rf --one-file-system "$dest"
mv "$tmp" "$dest"
rm -f "$log"
trap - EXIT
echo "built $dest ($(du -sh "$dest" | cut -f1), ${osname:-$family $suite})"
