package auth

import "github.com/bkgen/bkgen/runtime/web"

// Failure is an authentication or authorization failure, with backendjs's
// status and message: the API's one error type, so that every layer
// answers it the same way (web.ErrorOf).
type Failure = web.Problem
