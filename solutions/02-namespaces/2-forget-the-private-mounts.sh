# Exercise 2: step 2 built without makeMountsPrivate, on a host where / is
# shared: every run leaves its proc mount on the host. "The host" here is a
# mount namespace of this script's with / made rshared, so the real host's
# mount table is not touched.
. solutions/lib.sh
work=$(mktemp -d /tmp/noprivate.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r steps/02-namespaces/. "$work/src"
sed -i '/if err := makeMountsPrivate(); err != nil {/,/^\t}/d' "$work/src/init.go"
! grep -q 'makeMountsPrivate()' "$work/src/init.go" || fail "the sed left the call in init.go"
(cd "$work/src" && GOWORK=off go build -o "$work/step2" .)
rootfs=${RUNT_DATA:-/var/lib/runt}/rootfs/busybox

count() { # count BIN: proc mounts on the rootfs left in the namespace by 3 runs
	unshare --mount --propagation unchanged bash -c '
		mount --make-rshared /
		for i in 1 2 3; do "$1" run true; done
		grep -c " $2/proc .* - proc " /proc/self/mountinfo || true' sh "$1" "$rootfs"
}
with=$(count "$BIN")
without=$(count "$work/step2")
echo "proc mounts left by 3 runs: $with with makeMountsPrivate, $without without"
[ "$with" = 0 ] || fail "step 2 itself left $with proc mounts"
[ "$without" = 3 ] || fail "without makeMountsPrivate, 3 runs left $without proc mounts, want 3"
