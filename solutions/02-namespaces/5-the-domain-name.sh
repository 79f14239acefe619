# Exercise 5: --domainname sets the NIS domain name in the container's UTS
# namespace, and the new property proves it.
. solutions/lib.sh
holds 'the_domain_name_inside_is_--domainname'
