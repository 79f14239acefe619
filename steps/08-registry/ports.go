package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// The network modes of --net.
const (
	netBridge = "bridge" // its own stack, on the host's bridge, behind NAT
	netNone   = "none"   // its own stack with only loopback
	netHost   = "host"   // the host's stack, shared
)

func (o *options) parseNet(mode string) error {
	switch mode {
	case netBridge, netNone, netHost:
		o.net = mode
		return nil
	}
	return fmt.Errorf("want bridge, none or host")
}

// port is one -p HOSTPORT:CTRPORT[/tcp|udp].
type port struct {
	host, container int
	proto           string
}

func (p port) String() string { return fmt.Sprintf("%d:%d/%s", p.host, p.container, p.proto) }

func (o *options) parsePort(text string) error {
	bad := fmt.Errorf("want HOSTPORT:CTRPORT[/tcp|udp] with ports from 1 to 65535, e.g. 8080:80")
	spec, proto, hasProto := strings.Cut(text, "/")
	if !hasProto {
		proto = "tcp"
	}
	hostText, ctrText, ok := strings.Cut(spec, ":")
	host, err1 := strconv.Atoi(hostText)
	ctr, err2 := strconv.Atoi(ctrText)
	if !ok || err1 != nil || err2 != nil || (proto != "tcp" && proto != "udp") ||
		host < 1 || host > 65535 || ctr < 1 || ctr > 65535 {
		return bad
	}
	for _, p := range o.ports {
		if p.host == host && p.proto == proto {
			return fmt.Errorf("host port %d/%s is published twice; publish each host port once", host, proto)
		}
	}
	o.ports = append(o.ports, port{host, ctr, proto})
	return nil
}

// checkPorts refuses a published port that something on the host already
// serves, or that another container already publishes, before anything is
// created. (Two runs racing for one port can both pass; the doc says so.)
func checkPorts(o options) error {
	if len(o.ports) > 0 && o.net != netBridge {
		return fmt.Errorf("-p needs --net bridge: with --net %s there is no container address to forward to", o.net)
	}
	if len(o.ports) == 0 {
		return nil
	}
	published, _ := nftList()
	for _, p := range o.ports {
		// A published port is the match of a DNAT rule; the same port may
		// appear elsewhere as a container's port, which is no conflict.
		inUse := strings.Contains(published, fmt.Sprintf(" %s dport %d dnat to ", p.proto, p.host))
		if !inUse {
			inUse = listenAndClose(p) != nil
		}
		if inUse {
			return fmt.Errorf("-p %s: host port %d/%s is already in use; publish on another host port", p, p.host, p.proto)
		}
	}
	return nil
}

// listenAndClose tries to take the host port itself, the surest test of "in use".
func listenAndClose(p port) error {
	addr := ":" + strconv.Itoa(p.host)
	if p.proto == "udp" {
		c, err := net.ListenPacket("udp4", addr)
		if err == nil {
			c.Close()
		}
		return err
	}
	l, err := net.Listen("tcp4", addr)
	if err == nil {
		l.Close()
	}
	return err
}
