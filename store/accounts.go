package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Role is what a staff account may do.
type Role string

const (
	RoleAdmin     Role = "admin"     // everything, including the audit log
	RoleArchivist Role = "archivist" // search, view, review and correct records
	RoleStaff     Role = "staff"     // search, view and reuse records
)

// Roles lists the roles.
var Roles = []Role{RoleAdmin, RoleArchivist, RoleStaff}

// ParseRole accepts admin, archivist or staff.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("vai trò %q không có: chọn admin, archivist hoặc staff", s)
}

// Name is the role in Vietnamese.
func (r Role) Name() string {
	switch r {
	case RoleAdmin:
		return "quản trị"
	case RoleArchivist:
		return "lưu trữ viên"
	case RoleStaff:
		return "cán bộ một cửa"
	}
	return string(r)
}

// User is a staff account. Password is an encoded hash, never the
// password.
type User struct {
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Password    string    `json:"-"`
	Disabled    bool      `json:"disabled"`
	Failed      int       `json:"failed"`       // failed logins in a row
	LockedUntil time.Time `json:"locked_until"` // zero: not locked
	CreatedAt   time.Time `json:"created_at"`
}

// Session is a signed-in browser. Its token is known only to the browser;
// the store keeps the token's hash.
type Session struct {
	User      string
	CSRF      string // the token every form of the session carries
	CreatedAt time.Time
	SeenAt    time.Time
	ExpiresAt time.Time
}

// ErrExists is returned when an account of that name exists.
var ErrExists = errors.New("store: already exists")

// ErrConflict is returned when a record changed since it was read.
var ErrConflict = errors.New("store: the record changed since it was read")

// Accounts keeps staff accounts and their sessions.
type Accounts interface {
	AddUser(ctx context.Context, u User) error
	User(ctx context.Context, name string) (*User, error)
	Users(ctx context.Context) ([]User, error)
	SetDisabled(ctx context.Context, name string, disabled bool) error
	SetPassword(ctx context.Context, name, hash string) error
	// LoginFailed counts a failed login; after lockAfter in a row the
	// account is locked for lockFor. It returns the account's lock end.
	LoginFailed(ctx context.Context, name string, lockAfter int, lockFor time.Duration) (time.Time, error)
	// LoginOK clears the failed-login count.
	LoginOK(ctx context.Context, name string) error

	CreateSession(ctx context.Context, tokenHash string, s Session) error
	// Session returns the session if it has not expired at now; the caller
	// checks its absolute end from CreatedAt and extends it with
	// TouchSession.
	Session(ctx context.Context, tokenHash string, now time.Time) (*Session, error)
	TouchSession(ctx context.Context, tokenHash string, seen, expires time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
	// PurgeSessions deletes sessions expired at now and returns how many.
	PurgeSessions(ctx context.Context, now time.Time) (int, error)
}
