// Package errdefs defines the error kinds nook's packages attach to errors
// so that the CLI can branch on them (exit codes, Docker's wording) and the
// hints that tell a user what to do.
package errdefs

import (
	"errors"
	"fmt"
)

// Error kinds. Wrap them with fmt.Errorf("...: %w", ErrNotFound) or with
// the helpers below.
var (
	ErrNotFound        = errors.New("not found")
	ErrAlreadyExists   = errors.New("already exists")
	ErrInvalidArgument = errors.New("invalid argument")
	ErrConflict        = errors.New("conflict")
	ErrUnavailable     = errors.New("unavailable")
	ErrNotImplemented  = errors.New("not implemented")
)

type kindError struct {
	kind error
	err  error
}

func (e *kindError) Error() string { return e.err.Error() }
func (e *kindError) Unwrap() []error {
	return []error{e.err, e.kind}
}

// WithKind marks err with kind without changing its message.
func WithKind(err, kind error) error {
	if err == nil {
		return nil
	}
	return &kindError{kind: kind, err: err}
}

// NotFound returns a formatted error of kind ErrNotFound.
func NotFound(format string, a ...any) error {
	return WithKind(fmt.Errorf(format, a...), ErrNotFound)
}

// Invalid returns a formatted error of kind ErrInvalidArgument.
func Invalid(format string, a ...any) error {
	return WithKind(fmt.Errorf(format, a...), ErrInvalidArgument)
}

// Conflict returns a formatted error of kind ErrConflict.
func Conflict(format string, a ...any) error {
	return WithKind(fmt.Errorf(format, a...), ErrConflict)
}

// HintError carries a sentence telling the user what to do.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// WithHint attaches a "what to do" sentence to err.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &HintError{Err: err, Hint: hint}
}

// Hint returns the first hint in err's chain, or "".
func Hint(err error) string {
	var h *HintError
	if errors.As(err, &h) {
		return h.Hint
	}
	return ""
}

// ExitError reports a process exit status that a command should exit with
// (a container's own status, 126, 127 ...).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("exit status %d", e.Code)
}
func (e *ExitError) Unwrap() error { return e.Err }

// Exit returns an ExitError with code and an optional cause.
func Exit(code int, err error) error { return &ExitError{Code: code, Err: err} }
