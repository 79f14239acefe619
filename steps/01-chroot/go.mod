module workshop/steps/01-chroot

go 1.22

require golang.org/x/sys v0.30.0
