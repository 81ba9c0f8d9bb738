package schema

import "github.com/bkgen/bkgen/schema/bk"

// BkAuth is backendjs's bk_auth: the accounts that sign requests (see
// bk.AuthSchema for its columns).
type BkAuth struct{ bk.AuthSchema }
