# Exercise 5: the runtime looks the command up before the container starts,
# in the PATH of the environment it will give the command: with an image,
# the image's Env (PATH=/opt/tools:/bin), which finds /opt/tools/hello; with
# --rootfs, its own default, which has no /opt/tools: 127. The tree is the
# same, the image's own layer directories.
. solutions/07-images/store.sh
mkdir -p "$work/tools/opt/tools"
printf '#!/bin/sh\necho "hello from $0, PATH=$PATH"\n' > "$work/tools/opt/tools/hello"
chmod 755 "$work/tools/opt/tools/hello"
IMAGE_CONFIG='{"Env":["PATH=/opt/tools:/bin"],"Cmd":["hello"]}' image hello:1 "$work/hello.tar" "$busybox" "$work/tools"
"$BIN" load "$work/hello.tar" >/dev/null

got=$("$BIN" run --net none hello:1)
echo "image: $got"
[ "$got" = "hello from /opt/tools/hello, PATH=/opt/tools:/bin" ] || fail "the image's Cmd did not run as expected"

tree=$(lowers docker.io/library/hello:1 | paste -sd:)
status=0
out=$("$BIN" run --net none --rootfs "$tree" hello 2>&1) || status=$?
echo "--rootfs: status $status: $out"
[ "$status" = 127 ] || fail "--rootfs ... hello exited $status"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "want one line"
echo "$out" | grep -q 'hello: command not found' || fail "the line does not say the command is not found"

# The same tree has the file: by its path, or with the PATH given to env.
got=$("$BIN" run --net none --rootfs "$tree" /opt/tools/hello)
[ "$got" = "hello from /opt/tools/hello, PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ] ||
	fail "--rootfs ... /opt/tools/hello: $got"
got=$("$BIN" run --net none --rootfs "$tree" env PATH=/opt/tools:/bin hello)
[ "$got" = "hello from /opt/tools/hello, PATH=/opt/tools:/bin" ] || fail "env PATH=... hello: $got"
