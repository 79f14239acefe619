package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// A container in bridge mode, as a picture:
//
//	container netns            host
//	  eth0 10.88.0.2  <-veth->  runtXXXXXXXX --- runt0 bridge 10.88.0.1 --- NAT --- eth0
//	  default via 10.88.0.1
//
// The runtime builds it from outside, with netlink (the kernel's socket API
// for links, addresses and routes; vishvananda/netlink, as CNI plugins use),
// while init waits on its pipe: the command starts with its network ready.

// containerNetwork is what the runtime set up for one container.
type containerNetwork struct {
	id, mode string
	ip       net.IP // bridge mode only
	ports    []port
}

// vethNames are the two ends of the container's veth pair, named after its
// id (interface names have at most 15 bytes). The peer is renamed eth0 once
// it is in the container.
func vethNames(id string) (host, peer string) {
	return "runt" + id[:8], "rc" + id[:8]
}

// prepareNetwork leases an address, before the container starts.
func prepareNetwork(o options) (*containerNetwork, error) {
	n := &containerNetwork{id: o.id, mode: o.net, ports: o.ports}
	if o.net == netBridge {
		sweepNetwork()
		ip, err := allocateAddress(o.id)
		if err != nil {
			return nil, err
		}
		n.ip = ip
	}
	return n, nil
}

// attach builds the container's network once its process, and so its
// network namespace, exists.
func (n *containerNetwork) attach(pid int) error {
	if n.mode == netHost {
		return nil // the host's own stack: nothing to build
	}
	ns, err := netns.GetFromPid(pid) // opens /proc/PID/ns/net
	if err != nil {
		return fmt.Errorf("opening the container's network namespace: %w", err)
	}
	defer ns.Close()
	// A netlink socket in that namespace: what we do through it happens there.
	inside, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("opening a netlink socket in the container's namespace: %w", err)
	}
	defer inside.Close()
	if err := linkUp(inside, "lo"); err != nil {
		return err
	}
	if n.mode == netNone {
		return nil
	}
	bridge, err := ensureBridge()
	if err != nil {
		return err
	}
	hostEnd, peer := vethNames(n.id)
	explain("ip link add %s master %s type veth peer name %s", hostEnd, bridgeName, peer)
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: hostEnd, MasterIndex: bridge.Attrs().Index}, PeerName: peer}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("ip link add %s: %w", hostEnd, err)
	}
	if err := linkUp(nil, hostEnd); err != nil {
		return err
	}
	explain("ip link set %s netns %d", peer, pid)
	peerLink, err := netlink.LinkByName(peer)
	if err == nil {
		err = netlink.LinkSetNsFd(peerLink, int(ns))
	}
	if err != nil {
		return fmt.Errorf("moving %s into the container: %w", peer, err)
	}
	fault("veth")
	if err := configureEth0(inside, peer, n.ip); err != nil {
		return err
	}
	return addNAT(n.id, n.ip, n.ports)
}

// configureEth0 renames the peer, gives it the container's address and
// makes the bridge its default route, all inside the container's namespace.
func configureEth0(inside *netlink.Handle, peer string, ip net.IP) error {
	link, err := inside.LinkByName(peer)
	if err != nil {
		return err
	}
	explain("(in the container) ip link set %s name eth0", peer)
	if err := inside.LinkSetName(link, "eth0"); err != nil {
		return err
	}
	gateway, subnet, _ := net.ParseCIDR(bridgeCIDR)
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: ip, Mask: subnet.Mask}}
	explain("(in the container) ip addr add %s dev eth0", addr.IPNet)
	if err := inside.AddrAdd(link, addr); err != nil {
		return fmt.Errorf("ip addr add %s: %w", addr.IPNet, err)
	}
	if err := linkUp(inside, "eth0"); err != nil {
		return err
	}
	explain("(in the container) ip route add default via %s", gateway)
	if err := inside.RouteAdd(&netlink.Route{LinkIndex: link.Attrs().Index, Gw: gateway}); err != nil {
		return fmt.Errorf("ip route add default: %w", err)
	}
	return nil
}

// ensureBridge creates the host's bridge on first use. It stays, by design:
// it holds no state of any one container.
func ensureBridge() (netlink.Link, error) {
	// Every run checks each part, so a run racing the one that creates the
	// bridge never uses it half made.
	if _, err := netlink.LinkByName(bridgeName); err != nil {
		explain("ip link add %s type bridge", bridgeName)
		err := netlink.LinkAdd(&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: bridgeName}})
		if err != nil && !errors.Is(err, unix.EEXIST) { // another runtime may win the race
			return nil, fmt.Errorf("ip link add %s: %w", bridgeName, err)
		}
	}
	br, err := netlink.LinkByName(bridgeName)
	if err != nil {
		return nil, err
	}
	addr, _ := netlink.ParseAddr(bridgeCIDR)
	explain("ip addr replace %s dev %s", bridgeCIDR, bridgeName)
	if err := netlink.AddrReplace(br, addr); err != nil {
		return nil, fmt.Errorf("ip addr replace %s: %w", bridgeCIDR, err)
	}
	if err := linkUp(nil, bridgeName); err != nil {
		return nil, err
	}
	// Routing between the bridge and the host's other links is forwarding,
	// off by default. It is a host-wide switch, and it stays on; the runtime
	// that turns it on notes so, for make reset-host to turn it off again.
	if old, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward"); string(old) == "0\n" {
		_ = os.WriteFile(filepath.Join(stateDir, "ip_forward-was-off"), nil, 0o644)
	}
	if err := writeSysctl("net/ipv4/ip_forward", "1"); err != nil {
		return nil, err
	}
	// Let DNATed connections from 127.0.0.1 leave through the bridge.
	return br, writeSysctl("net/ipv4/conf/"+bridgeName+"/route_localnet", "1")
}

// linkUp sets a link up, through handle h (nil: the host's namespace).
func linkUp(h *netlink.Handle, name string) error {
	where := "(in the container) "
	if h == nil {
		h, where = &netlink.Handle{}, ""
	}
	explain("%sip link set %s up", where, name)
	link, err := h.LinkByName(name)
	if err == nil {
		err = h.LinkSetUp(link)
	}
	if err != nil {
		return fmt.Errorf("ip link set %s up: %w", name, err)
	}
	return nil
}

func writeSysctl(name, value string) error {
	path := "/proc/sys/" + name
	if old, err := os.ReadFile(path); err == nil && string(old) == value+"\n" {
		return nil
	}
	explain("write %s = %s", path, value)
	return os.WriteFile(path, []byte(value), 0o644)
}

// removeNetwork undoes what attach and prepareNetwork did for container
// id. The container's end of the veth dies with its namespace, and takes
// the host's end with it; deleting the host's end covers the other orders.
func removeNetwork(id string) {
	hostEnd, _ := vethNames(id)
	if link, err := netlink.LinkByName(hostEnd); err == nil {
		explain("ip link del %s", hostEnd)
		_ = netlink.LinkDel(link)
	}
	removeNAT(id)
	releaseAddresses(id)
}

// sweepNetwork removes, before a bridge-mode container leases an address,
// every lease and rule whose container has no live record. The record's
// teardown normally removes them; this catches rules that an nft run
// committed after its runtime had died and had been reaped, and anything
// else that outlived its record. Every lease and rule carries its
// container's id.
func sweepNetwork() {
	for _, id := range leaseOwners() {
		if !alive(id) {
			removeNetwork(id)
		}
	}
	for _, id := range ruleOwners() {
		if !alive(id) {
			removeNAT(id)
		}
	}
}
