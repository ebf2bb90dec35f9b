package credentials

import "errors"

// ArgumentError is a sign-in setting that is missing or wrong, found before any request is made. Argument names
// the provider argument at fault (such as client_certificate or tenant_id) so that the caller can point the user
// at it; Summary, when set, says in a few words what is wrong with it.
type ArgumentError struct {
	Argument string
	Summary  string
	Err      error
}

func (e *ArgumentError) Error() string { return e.Err.Error() }
func (e *ArgumentError) Unwrap() error { return e.Err }

// blame attributes err to argument, unless err (or an error it wraps) already names an argument of its own.
func blame(argument, summary string, err error) error {
	if err == nil {
		return nil
	}
	var named *ArgumentError
	if errors.As(err, &named) {
		return err
	}
	return &ArgumentError{Argument: argument, Summary: summary, Err: err}
}

// ArgumentErrors returns every ArgumentError in err, which may join several (a tenant ID and a client ID can both
// be missing). It returns nil when err names no argument, as when no sign-in method is configured at all.
func ArgumentErrors(err error) []*ArgumentError {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var all []*ArgumentError
		for _, part := range joined.Unwrap() {
			all = append(all, ArgumentErrors(part)...)
		}
		return all
	}
	var named *ArgumentError
	if errors.As(err, &named) {
		return []*ArgumentError{named}
	}
	return nil
}
