package build

import "syscall"

// errNotDirErrno is what Lstat returns when a parent is not a directory.
var errNotDirErrno error = syscall.ENOTDIR
