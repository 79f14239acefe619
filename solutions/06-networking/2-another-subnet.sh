# Exercise 2: with bridgeCIDR at 10.99.0.1/24, a run on a host whose runt0
# was made by the step as it is adds a second address and a second route;
# nothing removes the first. With 253 addresses leased, the next container
# is refused with one line. In a sandbox (sandbox.sh): runt0 there is the
# sandbox's own.
. solutions/lib.sh
. solutions/06-networking/sandbox.sh
in_sandbox '
export RUNT_DATA=$dir/data
"$ORIG_BIN" run --rootfs $rootfs true
inside=$("$BIN" run --rootfs $rootfs sh -c "ip -4 -o addr show eth0")
echo "inside: $inside"
echo "$inside" | grep -q "inet 10.99.0.2/24" || fail "the container did not get 10.99.0.2/24"
addrs=$(ip -4 -o addr show runt0 | awk "{print \$4}" | sort | tr "\n" " ")
echo "runt0: $addrs"
[ "$addrs" = "10.88.0.1/16 10.99.0.1/24 " ] || fail "runt0 has $addrs"
ip route | grep runt0
[ "$(ip route | grep -c "dev runt0 proto kernel")" = 2 ] || fail "want a route per subnet"

# 253 leases held by a live runtime (its record locked), then one more run.
mkdir -p /run/runt/containers /run/runt/leases
owner=0000fa4e0000
echo "{\"id\":\"$owner\"}" > /run/runt/containers/$owner.json
exec 9<>/run/runt/containers/$owner.json
flock -x 9
for i in $(seq 2 254); do printf %s $owner > /run/runt/leases/10.99.0.$i; done
status=0
out=$("$BIN" run --rootfs $rootfs true 2>&1) || status=$?
exec 9>&-
echo "254th: status $status: $out"
[ "$status" = 125 ] || fail "the 254th container: status $status"
[ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "no free address left in 10.99.0.0/24" || fail "want one line saying no free address"
'
