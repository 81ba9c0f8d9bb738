package schema

import "github.com/bkgen/bkgen/schema/bk"

// BkAccount is backendjs's bk_account: the profiles served at /account/*
// (see bk.AccountSchema for its columns).
type BkAccount struct{ bk.AccountSchema }
