package probe

import "syscall"

const sysFstatat = syscall.SYS_NEWFSTATAT
