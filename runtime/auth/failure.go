package auth

// Failure is an authentication or authorization failure, with backendjs's
// status and message.
type Failure struct {
	Status       int
	Code         string
	Message      string
	ClearSession bool // a session cookie that failed is removed
}

func (f *Failure) Error() string { return f.Message }
