# Exercise 6: lowers inside one another, or holding the containers' upper
# directories, are refused before anything is made, with one line that
# says so; the new property proves it.
. solutions/lib.sh
holds 'lowers_that_overlap'
