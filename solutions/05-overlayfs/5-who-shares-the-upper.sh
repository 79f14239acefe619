# Exercise 5: with one ID for every container, a second run while the first
# runs stops at the record, with one line and 125, and leaves the first
# container's overlay and files alone.
. solutions/lib.sh
id=00005a5e1d00
upper=${RUNT_DATA:-/var/lib/runt}/containers/$id/upper
tmp=$(mktemp -d /tmp/runt-sameid.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/in" "$tmp/out"
exec 3<>"$tmp/in" 4<>"$tmp/out"
"$BIN" run sh -c 'echo first > /mine; echo ready; read go; cat /mine' <&3 >&4 2>"$tmp/first.err" &
first=$!
read -r -u 4 line
[ "$line" = ready ] || fail "the first container said: $line"

status=0
out=$("$BIN" run sh -c 'echo second > /mine' 2>&1) || status=$?
echo "second run: status $status: $out"
[ "$status" = 125 ] || fail "the second run exited $status"
[ "$(echo "$out" | wc -l)" = 1 ] || fail "want one line"
echo "$out" | grep -q "$id is running already" || fail "the line does not say the ID is taken"
[ "$(cat "$upper/mine")" = first ] || fail "the first container's upper changed"
[ "$(grep -c " $(dirname "$upper")/merged " /proc/self/mountinfo)" = 1 ] || fail "not exactly one overlay on the first container's merged"

echo go >&3
read -r -u 4 line
[ "$line" = first ] || fail "the first container now reads: $line"
wait "$first" || fail "the first container failed: $(cat "$tmp/first.err")"
[ ! -e "$(dirname "$upper")" ] || fail "the first container's directory is left"
