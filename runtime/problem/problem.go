// Package problem is the error of the API as both sides see it: the server
// answers it as {"status":..,"message":..,"code":..} (runtime/web.Problem is
// this type) and the Go client returns it (runtime/client.Error is this
// type), so that errors.As finds the same type on either side. It imports
// only the standard library.
package problem

// Problem is an API error: the HTTP status it is answered with, a code of
// the API's vocabulary (docs/api.md) and a message safe to show.
type Problem struct {
	Status       int    `json:"status"`
	Code         string `json:"code"`
	Message      string `json:"message"`
	ClearSession bool   `json:"-"` // server side: a session cookie that failed is removed
}

func (p *Problem) Error() string { return p.Message }

// Is matches a *Problem with the same code, and the same status when the
// target gives one: errors.Is(err, client.ErrNotFound).
func (p *Problem) Is(target error) bool {
	t, ok := target.(*Problem)
	return ok && t.Code == p.Code && (t.Status == 0 || t.Status == p.Status)
}
