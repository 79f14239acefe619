# Bonus: out of a chroot through a directory descriptor, once with a
# descriptor the program opens itself, once with one inherited from the
# runtime's caller (exec 7</). Step 1 marks inherited descriptors
# close-on-exec; a copy built without that call hands fd 7 to the container.
. solutions/lib.sh
work=$(mktemp -d /tmp/fd-escape.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -a "${RUNT_DATA:-/var/lib/runt}/rootfs/busybox" "$work/rootfs"
GOWORK=off go build -o "$work/rootfs/bin/fd-escape" solutions/01-chroot/bonus-fd-escape.go
# A file only the host has, with a content only this run knows.
secret="host secret $$ $RANDOM"
echo "$secret" >"$work/secret"

# 1. A descriptor of its own /, opened before a chroot below it.
[ "$("$BIN" run --rootfs "$work/rootfs" /bin/fd-escape self "$work/secret")" = "$secret" ] ||
	fail "the program did not read the host's file through its own descriptor"
echo "fd-escape self: read the host's $work/secret"

# 2. The caller's descriptor 7, the host's /: refused by step 1 ...
set +e
err=$("$BIN" run --rootfs "$work/rootfs" /bin/fd-escape 7 "$work/secret" 7</ 2>&1)
status=$?
set -e
[ "$status" != 0 ] && grep -q 'fchdir(7): bad file descriptor' <<<"$err" ||
	fail "step 1 let descriptor 7 through: status $status, $err"
echo "step 1: $err"

# ... and used by a copy of step 1 without closeInheritedFiles.
cp -r steps/01-chroot/. "$work/nofix"
sed -i '/if err := closeInheritedFiles(); err != nil {/,/^\t}/d' "$work/nofix/main.go"
! grep -q closeInheritedFiles "$work/nofix/main.go" || fail "the sed left the call in main.go"
(cd "$work/nofix" && GOWORK=off go vet . && GOWORK=off go build -o step1 .)
[ "$("$work/nofix/step1" run --rootfs "$work/rootfs" /bin/fd-escape 7 "$work/secret" 7</)" = "$secret" ] ||
	fail "without closeInheritedFiles, descriptor 7 did not lead out"
echo "step 1 without closeInheritedFiles: descriptor 7 leads out"
