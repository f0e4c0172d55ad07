// etcd's own main (go.etcd.io/etcd/server/v3/main.go) is in a module whose replaces a dependent
// module cannot use, so this is the same two lines in a module of ours.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
