# Exercise 4: SIGUSR1 and SIGUSR2 are forwarded, and the new property proves it.
. solutions/lib.sh
holds 'SIGUSR1_and_SIGUSR2'
