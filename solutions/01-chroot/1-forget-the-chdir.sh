# Exercise 1: step 1 built without Dir: "/" leaves the command's working
# directory on the host, outside its root. No patch: the script builds that
# copy itself, as the exercise does.
. solutions/lib.sh
nochdir=$(mktemp -d /tmp/nochdir.XXXXXX)
trap 'rm -rf "$nochdir"' EXIT
cp -r steps/01-chroot/. "$nochdir"
sed -i '/Dir: *"\/",/d' "$nochdir/chroot.go"
! grep -q 'Dir:' "$nochdir/chroot.go" || fail "the sed left Dir in chroot.go"
(cd "$nochdir" && GOWORK=off go build -o bin/step1 .)

# The real step 1: the working directory is the new /.
[ "$("$BIN" run pwd)" = / ] || fail "step 1 itself: pwd is not /"

# Without the chdir, getcwd(2) says "(unreachable)" and pwd fails, and the
# narration still claims chdir("/"), because it is written by hand.
cd /etc
out=$("$nochdir/bin/step1" --explain run pwd 2>&1) && fail "pwd succeeded without the chdir: $out"
grep -q 'chdir("/")' <<<"$out" || fail "the narration no longer claims chdir: $out"
echo "$out"
# ... and relative paths are resolved on the host: /etc is the working
# directory, so ./os-release is the host's, not the rootfs's.
[ "$("$nochdir/bin/step1" run cat os-release)" = "$(cat /etc/os-release)" ] ||
	fail "cat os-release did not read the host's /etc/os-release"
[ "$("$nochdir/bin/step1" run cat ../../../../../../etc/os-release)" = "$(cat /etc/os-release)" ] ||
	fail ".. did not climb out of the rootfs"
"$BIN" run cat os-release >/dev/null 2>&1 && fail "step 1 itself read os-release relative to the host's /etc"
echo "without the chdir the command reads the host's /etc/os-release"
