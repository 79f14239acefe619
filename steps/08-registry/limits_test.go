package main

import "testing"

func TestParseMemoryAcceptsUnitsAndRefusesTheRest(t *testing.T) {
	for text, want := range map[string]int64{"64m": 64 << 20, "1g": 1 << 30, "6M": 6 << 20, "8388608": 8 << 20, "7168k": 7 << 20} {
		var l limits
		if err := l.parseMemory(text); err != nil || l.memory != want {
			t.Errorf("parseMemory(%q) = %d, %v; want %d", text, l.memory, err, want)
		}
	}
	for _, text := range []string{"", "10x", "m", "-5m", "1k", "5m", "99999999999g"} {
		var l limits
		if err := l.parseMemory(text); err == nil {
			t.Errorf("parseMemory(%q) accepted %d", text, l.memory)
		}
	}
}

func TestCPUQuotaIsAShareOfThePeriod(t *testing.T) {
	var l limits
	if err := l.parseCPUs("0.5"); err != nil || l.cpuQuota() != 50000 {
		t.Errorf("0.5 CPUs: quota %d, %v; want 50000 of %d", l.cpuQuota(), err, cpuPeriod)
	}
	for _, text := range []string{"0", "-1", "0.001", "abc", "100000", "NaN", "Inf"} {
		if err := l.parseCPUs(text); err == nil {
			t.Errorf("parseCPUs(%q) accepted", text)
		}
	}
}
