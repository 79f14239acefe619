module workshop/steps/05-overlayfs

go 1.22

require golang.org/x/sys v0.30.0
