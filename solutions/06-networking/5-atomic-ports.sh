# Exercise 5: a published port is an element of the map "published", made
# with "create element" in the same nft transaction as the container's
# rules: of runs that publish one port at the same moment, exactly one gets
# it. The step as it is lets several through. In a sandbox (sandbox.sh):
# the patched runtime rewrites the table's prerouting and output chains.
. solutions/lib.sh
. solutions/06-networking/sandbox.sh
in_sandbox "holds 'of_runs_that_publish_one_host_port'
property \"\$BIN\" '(a_published_port_serves|bad_network_flags|a_host_port_that_is_only|the_next_run_sweeps|no_link,_lease_or_NAT)' ||
	fail 'the step-6 properties about ports and rules fail with the map'"
