package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// NAT, with nftables. The runtime keeps one table of its own, "ip runt";
// each container adds a few rules to it, each tagged with a comment naming
// the container, and removes exactly those when it goes. See them with
// "nft list table ip runt". The table and its empty chains stay by design.
//
//	postrouting  masquerade: a container's outbound packets leave with the
//	             host's address, so replies find their way back
//	prerouting   published ports: packets to a host address and port are
//	             sent on (DNAT) to the container's address and port
//	output       the same for connections the host itself makes to its own
//	             addresses, 127.0.0.1 included
//	input        route_localnet, which lets those 127.0.0.1 connections out
//	             onto the bridge, would also let a container send packets to
//	             the host's 127.0.0.1 services: only replies to our own
//	             DNAT may come in from the bridge addressed to 127.0.0.0/8
const nftTable = "ip runt"

const nftChains = `add table ip runt
add chain ip runt prerouting { type nat hook prerouting priority dstnat; policy accept; }
add chain ip runt output { type nat hook output priority -100; policy accept; }
add chain ip runt postrouting { type nat hook postrouting priority srcnat; policy accept; }
add chain ip runt input { type filter hook input priority filter; policy accept; }
flush chain ip runt input
add rule ip runt input iifname "runt0" ip daddr 127.0.0.0/8 ct status dnat accept
add rule ip runt input iifname "runt0" ip daddr 127.0.0.0/8 drop
`

// natRules are the rules of one container, in nft's own language.
func natRules(id string, ip net.IP, ports []port) string {
	tag := fmt.Sprintf("comment \"runt:%s\"", id)
	rules := fmt.Sprintf("add rule ip runt postrouting ip saddr %s oifname != %q masquerade %s\n", ip, bridgeName, tag)
	for _, p := range ports {
		// "fib daddr type local": to any address of the host's own.
		dnat := fmt.Sprintf("fib daddr type local %s dport %d dnat to %s:%d %s\n", p.proto, p.host, ip, p.container, tag)
		rules += "add rule ip runt prerouting " + dnat
		rules += "add rule ip runt output " + dnat
		// A connection from the host to 127.0.0.1 keeps that source after
		// DNAT; route_localnet lets it out onto the bridge, and masquerade
		// gives it an address the container can answer.
		rules += fmt.Sprintf("add rule ip runt postrouting oifname %q ip saddr 127.0.0.0/8 ip daddr %s %s dport %d masquerade %s\n",
			bridgeName, ip, p.proto, p.container, tag)
	}
	return rules
}

// nft runs an nft script.
func nft(script string) error {
	for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
		explain("nft %s", line)
	}
	cmd := exec.Command("nft", "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	// One nft run is one transaction: all of its rules or none. Dying with
	// the runtime, it cannot commit them after a reaper has been by.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.CombinedOutput()
	if errors.Is(err, exec.ErrNotFound) {
		return fmt.Errorf("nft not found: install nftables ('make deps' does)")
	}
	if err != nil {
		return fmt.Errorf("nft: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// nftList is the runtime's table with rule handles, or "" if there is none.
func nftList() (string, error) {
	out, err := exec.Command("nft", "-a", "list", "table", nftTable).Output()
	return string(out), err
}

// addNAT installs the table (once) and the container's rules.
func addNAT(id string, ip net.IP, ports []port) error {
	return nft(nftChains + natRules(id, ip, ports))
}

// ruleOwners lists the containers that have rules in the table.
func ruleOwners() []string {
	listing, _ := nftList()
	var ids []string
	for _, line := range strings.Split(listing, "\n") {
		if _, tag, ok := strings.Cut(line, `comment "runt:`); ok {
			id, _, _ := strings.Cut(tag, `"`)
			ids = append(ids, id)
		}
	}
	return ids
}

// removeNAT deletes every rule tagged with container id, by handle.
func removeNAT(id string) {
	listing, err := nftList()
	if err != nil {
		return // no table, no rules
	}
	var script, chain string
	sc := bufio.NewScanner(strings.NewReader(listing))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if name, ok := strings.CutPrefix(line, "chain "); ok {
			chain = strings.Fields(name)[0]
			continue
		}
		_, handle, ok := strings.Cut(line, "# handle ")
		if ok && strings.Contains(line, fmt.Sprintf("comment \"runt:%s\"", id)) {
			script += fmt.Sprintf("delete rule %s %s handle %s\n", nftTable, chain, handle)
		}
	}
	if script != "" {
		if err := nft(script); err != nil {
			fmt.Fprintf(os.Stderr, "%s: removing NAT rules: %v\n", prog, err)
		}
	}
}
