package tests

import (
	"fmt"
	"net"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// testHost is a machine of the test's own: a network namespace linked to the
// host by a veth pair, with subnet.1 on the host's end and subnet.2 inside,
// and no route anywhere else. Tests send traffic only to such hosts, to the
// runtime's containers and to loopback.
type testHost struct {
	ns     netns.NsHandle
	hostIP string // the host's address on the link
	ip     string // the test host's own address
}

func newTestHost(t *testing.T, name, subnet string) *testHost {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	require.NoError(t, err)
	defer orig.Close()
	ns, err := netns.New() // also switches this thread into it
	require.NoError(t, err)
	require.NoError(t, netns.Set(orig))
	t.Cleanup(func() { ns.Close() })

	h := &testHost{ns: ns, hostIP: subnet + ".1", ip: subnet + ".2"}
	hostEnd, peer := "tt-"+name, "tp-"+name
	require.NoError(t, netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: hostEnd}, PeerName: peer}))
	t.Cleanup(func() {
		if l, err := netlink.LinkByName(hostEnd); err == nil {
			_ = netlink.LinkDel(l)
		}
	})
	l, err := netlink.LinkByName(hostEnd)
	require.NoError(t, err)
	addr, _ := netlink.ParseAddr(h.hostIP + "/24")
	require.NoError(t, netlink.AddrAdd(l, addr))
	require.NoError(t, netlink.LinkSetUp(l))
	p, err := netlink.LinkByName(peer)
	require.NoError(t, err)
	require.NoError(t, netlink.LinkSetNsFd(p, int(ns)))

	inside, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE) // route only: the VM kernel has no xfrm
	require.NoError(t, err)
	defer inside.Close()
	for _, name := range []string{"lo", peer} {
		l, err := inside.LinkByName(name)
		require.NoError(t, err)
		if name == peer {
			addr, _ := netlink.ParseAddr(h.ip + "/24")
			require.NoError(t, inside.AddrAdd(l, addr))
		}
		require.NoError(t, inside.LinkSetUp(l))
	}
	return h
}

// in runs f with this thread in the test host's namespace: sockets f opens
// belong to the test host for good.
func (h *testHost) in(t *testing.T, f func()) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	require.NoError(t, err)
	defer orig.Close()
	require.NoError(t, netns.Set(h.ns))
	defer func() { require.NoError(t, netns.Set(orig)) }()
	f()
}

// containerIP is the line "A.B.C.D/N" a container prints with printIP.
const printIP = "ip -4 -o addr show dev " + containerLink + " | awk '{print $4}'"

func parseIP(t *testing.T, line string) string {
	t.Helper()
	ip, _, err := net.ParseCIDR(strings.TrimSpace(line))
	require.NoError(t, err, "not an address: %q", line)
	return ip.String()
}

// freePort is a TCP port nothing on the host listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", ":0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// hostPing pings addr once from the host, with the host's busybox.
func hostPing(addr string) error {
	out, err := exec.Command("/bin/busybox", "ping", "-c", "1", "-W", "5", addr).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ping %s: %v: %s", addr, err, out)
	}
	return nil
}
