package main

import (
	"net"
	"strings"
	"testing"
)

func TestParsePort(t *testing.T) {
	var o options
	for _, text := range []string{"8080:80", "53:53/udp", "1:65535/tcp"} {
		if err := o.parsePort(text); err != nil {
			t.Errorf("parsePort(%q): %v", text, err)
		}
	}
	if got := o.ports[1]; got != (port{53, 53, "udp"}) {
		t.Errorf("53:53/udp parsed as %v", got)
	}
	for _, text := range []string{"80", "70000:80", "0:80", "80:80/sctp", "a:b", "80:"} {
		if err := o.parsePort(text); err == nil {
			t.Errorf("parsePort(%q) accepted", text)
		}
	}
}

func TestNATRulesAreTaggedWithTheContainer(t *testing.T) {
	rules := natRules("abc", net.ParseIP("10.88.0.7"), []port{{8080, 80, "tcp"}})
	for _, line := range strings.Split(strings.TrimSpace(rules), "\n") {
		if !strings.HasSuffix(line, `comment "runt:abc"`) {
			t.Errorf("rule without the container's tag: %s", line)
		}
	}
	if !strings.Contains(rules, "tcp dport 8080 dnat to 10.88.0.7:80") {
		t.Errorf("no DNAT for 8080:\n%s", rules)
	}
}

func TestAddressesSkipNetworkAndBroadcast(t *testing.T) {
	_, subnet, _ := net.ParseCIDR("10.88.0.0/16")
	if got := nextIP(net.ParseIP("10.88.0.255").To4()); got.String() != "10.88.1.0" {
		t.Errorf("nextIP(10.88.0.255) = %s", got)
	}
	if !isBroadcast(net.ParseIP("10.88.255.255").To4(), subnet) || isBroadcast(net.ParseIP("10.88.1.255").To4(), subnet) {
		t.Error("isBroadcast is wrong for a /16")
	}
}
