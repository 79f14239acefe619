# Exercise 3: a second container reaches a published port through the
# bridge's address only while bridged packets pass the IP hooks
# (bridge-nf-call-iptables=1); with 0, a masquerade of DNATed traffic from
# the bridge makes it work. A container reaches its own published port only
# with that masquerade and, while bridged packets pass the hooks, hairpin
# mode on its bridge port. In a sandbox (sandbox.sh): the sysctl is per
# network namespace.
. solutions/lib.sh
. solutions/06-networking/sandbox.sh
in_sandbox '
export RUNT_DATA=$dir/data
mkfifo $dir/ain $dir/aout $dir/bin $dir/bout
exec 3<>$dir/ain 4<>$dir/aout 5<>$dir/bin 6<>$dir/bout
trap "echo quit >&3; echo quit >&5; wait" EXIT
# Each container fetches 10.88.0.1:8080 once per "go" it reads (nc: the
# busybox wget of this machine crashes); a fetch without answer gives up
# after 2 s. A publishes its port 80 as 8080.
fetch="while read line && [ \$line = go ]; do case \$(printf \"GET / HTTP/1.0\r\n\r\n\" | nc -w 2 10.88.0.1 8080 2>/dev/null) in *hi*) echo ok ;; *) echo failed ;; esac; done"
"$BIN" run --rootfs $rootfs -p 8080:80 sh -c "mkdir /www; echo hi > /www/index.html; httpd -p 80 -h /www; echo ready; $fetch" <&3 >&4 &
read -r -u 4 line
"$BIN" run --rootfs $rootfs sh -c "echo ready; $fetch" <&5 >&6 &
read -r -u 6 line
expect() { # FD-IN FD-OUT WHAT WANT
	echo go >&$1; read -r -u $2 got
	echo "$3: $got"
	[ "$got" = "$4" ] || fail "$3: want $4"
}
brnf() { sysctl -qw net.bridge.bridge-nf-call-iptables=$1; }
brnf 1
expect 5 6 "bridge-nf-call-iptables=1, B to A by 10.88.0.1:8080" ok
expect 3 4 "bridge-nf-call-iptables=1, A to itself by 10.88.0.1:8080" failed
brnf 0
expect 5 6 "bridge-nf-call-iptables=0, B to A" failed
nft add rule ip runt postrouting oifname runt0 ip saddr 10.88.0.0/16 ct status dnat masquerade comment \"hairpin\"
expect 5 6 "bridge-nf-call-iptables=0 and the masquerade, B to A" ok
expect 3 4 "bridge-nf-call-iptables=0 and the masquerade, A to itself" ok
brnf 1
expect 3 4 "bridge-nf-call-iptables=1 and the masquerade, A to itself" failed
for port in $(ip -o link show master runt0 | awk -F": " "{print \$2}" | cut -d@ -f1); do
	ip link set $port type bridge_slave hairpin on
done
expect 3 4 "bridge-nf-call-iptables=1, the masquerade and hairpin mode, A to itself" ok
handle=$(nft -a list chain ip runt postrouting | grep "comment \"hairpin\"" | sed "s/.*handle //")
nft delete rule ip runt postrouting handle $handle
expect 3 4 "bridge-nf-call-iptables=1 and hairpin mode, no masquerade, A to itself" failed
'
