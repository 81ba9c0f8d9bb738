// Package templates holds the text templates bkgen renders (documentation
// and, later, openapi.yaml and the GraphQL schema). Go code is built with
// jennifer in gen/; templates are for text whose shape reads best as text.
package templates

import "embed"

// FS holds every template.
//
//go:embed *.tmpl newapp clientts
var FS embed.FS
