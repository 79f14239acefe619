# Exercise 6: without the input chain's drop rule, a container that routes
# 127.0.0.1 to the host reaches the host's 127.0.0.1 services: a datagram
# arrives (and leaves a conntrack entry, which a dropped one does not), and
# a TCP connection works once the container has taken 127.0.0.1 off its lo.
# Without the accept rule, the host's own connections to a published port
# through 127.0.0.1 fail. In a sandbox (sandbox.sh), so the host keeps both.
. solutions/lib.sh
. solutions/06-networking/sandbox.sh
in_sandbox '
export RUNT_DATA=$dir/data
mkfifo $dir/in $dir/out
exec 3<>$dir/in 4<>$dir/out
# The container publishes a page as 8080, then runs each line it reads as a
# command and says "done" after it.
"$BIN" run --rootfs $rootfs -p 8080:80 sh -c "mkdir /www; echo published > /www/index.html; httpd -p 80 -h /www; echo ready
	while read cmd && [ \"\$cmd\" != quit ]; do eval \"\$cmd\"; echo done; done" <&3 >&4 2>&1 &
read -r -u 4 line
mkdir $dir/admin && echo "for the host only" > $dir/admin/index.html
/bin/busybox httpd -f -p 127.0.0.1:8090 -h $dir/admin &
server=$!
trap "echo quit >&3; kill $server; wait" EXIT
inside() { echo "$1" >&3; out=""; while read -r -u 4 l && [ "$l" != done ]; do out="$out$l
"; done; }
# one datagram to 127.0.0.1:6969 from inside; prints what a socket there got
datagram() {
	python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((\"127.0.0.1\", 6969)); s.settimeout(5)
print(\"ready\", flush=True)
try: print(\"from\", s.recvfrom(100)[1][0])
except socket.timeout: print(\"nothing\")" > $dir/udp &
	until grep -q ready $dir/udp; do :; done
	inside "cd /tmp; echo x > probe; timeout 2 tftp -p -l probe 127.0.0.1 6969"
	wait $!
	tail -1 $dir/udp
}
until curl -s -m 1 http://127.0.0.1:8090/ >/dev/null; do :; done
inside "echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet; ip route del local 127.0.0.0/8 dev lo table local; ip route del local 127.0.0.1 dev lo table local; ip route add 127.0.0.1/32 via 10.88.0.1"

got=$(datagram)
echo "with the drop rule, the socket got: $got; conntrack entries: $(grep -c "dport=6969" /proc/net/nf_conntrack)"
[ "$got" = nothing ] || fail "the drop rule let the datagram through"
! grep -q "dport=6969" /proc/net/nf_conntrack || fail "a dropped datagram left a conntrack entry"

handle() { nft -a list chain ip runt input | grep -F "$1" | sed "s/.*handle //"; }
nft delete rule ip runt input handle $(handle "127.0.0.0/8 drop")
got=$(datagram)
echo "without it: $got; conntrack: $(grep "dport=6969" /proc/net/nf_conntrack)"
[ "$got" = "from 10.88.0.2" ] || fail "without the drop rule the datagram should arrive"
grep -q "src=10.88.0.2 dst=127.0.0.1 .*dport=6969 \[UNREPLIED\]" /proc/net/nf_conntrack || fail "no conntrack entry for the datagram"

page="printf \"GET / HTTP/1.0\r\n\r\n\" | nc -w 2 127.0.0.1 8090 2>/dev/null | tail -1"
inside "$page"
echo "TCP with 127.0.0.1 still on lo: ${out:-nothing}"
[ -z "$out" ] || fail "the page came through with 127.0.0.1 on lo"
grep "dport=8090" /proc/net/nf_conntrack | grep -q "src=10.88.0.2 .* SYN_RECV\|SYN_RECV .*src=10.88.0.2" || fail "the host did not answer the SYN"
inside "ip addr del 127.0.0.1/8 dev lo; $page"
echo "TCP without it: $out"
[ "$out" = "for the host only
" ] || fail "the page did not come through"

nft add rule ip runt input iifname runt0 ip daddr 127.0.0.0/8 drop
got=$(curl -s -m 3 http://127.0.0.1:8080/) || true
echo "the host to 127.0.0.1:8080, both rules: $got"
[ "$got" = published ] || fail "the published port from 127.0.0.1"
nft delete rule ip runt input handle $(handle "ct status dnat accept")
status=0
curl -s -m 3 http://127.0.0.1:8080/ || status=$?
echo "without the accept rule: curl exit $status"
[ "$status" = 28 ] || fail "want a timeout (28) without the accept rule"
'
