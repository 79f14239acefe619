# Exercise 4: a running container loses its outbound traffic the moment
# ip_forward goes to 0, and gets it back when the next bridge-mode run puts
# the switch back. In a sandbox (sandbox.sh): ip_forward is per network
# namespace, so the host's own switch is never touched.
. solutions/lib.sh
. solutions/06-networking/sandbox.sh
in_sandbox '
export RUNT_DATA=$dir/data
# The other machine: a network namespace held by a sleep, on a veth,
# serving one page.
unshare --net sleep 1000 &
client=$!
until [ "$(readlink /proc/$client/ns/net)" != "$(readlink /proc/self/ns/net)" ]; do :; done
ip link add fwd-host type veth peer name fwd-peer netns $client
ip addr add 203.0.113.1/24 dev fwd-host && ip link set fwd-host up
nsenter -t $client -n sh -c "ip addr add 203.0.113.2/24 dev fwd-peer && ip link set fwd-peer up && ip link set lo up"
mkdir $dir/www && echo page > $dir/www/index.html
nsenter -t $client -n /bin/busybox httpd -f -p 203.0.113.2:8000 -h $dir/www &
server=$!
trap "echo quit >&3; wait \$container; kill $server $client; wait" EXIT

# The container fetches the page once per "go" it reads, and says how it
# went; a fetch that gets no answer gives up after 2 s. "quit" ends it.
# (nc, not wget: the busybox wget of this machine crashes.)
mkfifo $dir/in $dir/out
exec 3<>$dir/in 4<>$dir/out
"$BIN" run --rootfs $rootfs sh -c "while read line && [ \$line = go ]; do
	case \$(printf \"GET / HTTP/1.0\\r\\n\\r\\n\" | nc -w 2 203.0.113.2 8000 2>/dev/null) in *page*) echo ok ;; *) echo failed ;; esac
done" <&3 >&4 &
container=$!
fetch() { echo go >&3; read -r -u 4 got; echo "$1: $got (ip_forward $(cat /proc/sys/net/ipv4/ip_forward))"; [ "$got" = "$2" ] || fail "$1: want $2"; }
fetch "first fetch" ok
sysctl -qw net.ipv4.ip_forward=0
fetch "after ip_forward=0" failed
"$BIN" run --rootfs $rootfs true
fetch "after another bridge-mode run" ok
'
