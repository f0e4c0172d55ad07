//go:build tools

// The command this module builds; the build tag keeps it out of any ordinary build.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
