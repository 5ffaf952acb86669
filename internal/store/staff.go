package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"
)

// Staff roles.
const (
	RoleAdmin = "admin"
	RoleStaff = "staff"
)

// Staff password rules. bcrypt reads at most 72 bytes, so longer passwords
// are refused rather than silently cut.
const (
	MinPasswordLen = 8
	maxPasswordLen = 72
)

// Errors from the staff repository.
var (
	ErrStaffExists  = errors.New("staff user already exists")
	ErrBadLogin     = errors.New("wrong username or password")
	ErrWeakPassword = fmt.Errorf("password must be %d to %d bytes long", MinPasswordLen, maxPasswordLen)
	ErrBadUsername  = errors.New("username must be 1 to 64 letters, digits, dots, dashes or underscores")
	// ErrStaffNotFound: no such staff user, or (StaffOf) the contact has
	// no staff rights.
	ErrStaffNotFound = errors.New("staff user not found")
)

// StaffUser is an office worker who may use the dashboard and staff flows.
type StaffUser struct {
	ID        int64     `db:"id"`
	Username  string    `db:"username"`
	Role      string    `db:"role"`
	CreatedAt time.Time `db:"created_at"`
	Disabled  bool      `db:"disabled"`
}

// IsAdmin reports whether the user has the admin role.
func (u StaffUser) IsAdmin() bool { return u.Role == RoleAdmin }

func validUsername(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}

func hashPassword(password string) (string, error) {
	if len(password) < MinPasswordLen || len(password) > maxPasswordLen || !utf8.ValidString(password) {
		return "", ErrWeakPassword
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), passwordCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// AddStaff creates a staff user with a bcrypt hash of password and records it
// in the audit log under actor. It returns ErrStaffExists when the username is
// taken (usernames are compared case-insensitively).
func (db *DB) AddStaff(ctx context.Context, username, password string, admin bool, actor string, now time.Time) (StaffUser, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if !validUsername(username) {
		return StaffUser{}, ErrBadUsername
	}
	if len(password) < MinPasswordLen || len(password) > maxPasswordLen {
		return StaffUser{}, ErrWeakPassword
	}
	// Refuse a taken name before spending the hash (it is checked again
	// inside the transaction).
	if _, err := db.StaffByUsername(ctx, username); err == nil {
		return StaffUser{}, ErrStaffExists
	} else if !errors.Is(err, ErrStaffNotFound) {
		return StaffUser{}, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return StaffUser{}, err
	}
	role := RoleStaff
	if admin {
		role = RoleAdmin
	}
	u := StaffUser{Username: username, Role: role, CreatedAt: now.UTC()}
	err = db.InTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM staff_users WHERE username = ?`), username); err != nil {
			return fmt.Errorf("look up staff user: %w", err)
		}
		if n > 0 {
			return ErrStaffExists
		}
		id, err := InsertID(ctx, tx, db.Dialect,
			`INSERT INTO staff_users (username, password_hash, role, created_at, disabled) VALUES (?, ?, ?, ?, ?)`,
			username, hash, role, u.CreatedAt, false)
		if err != nil {
			if isUniqueViolation(err) {
				return ErrStaffExists
			}
			return fmt.Errorf("insert staff user: %w", err)
		}
		u.ID = id
		_, err = tx.ExecContext(ctx, tx.Rebind(
			`INSERT INTO audit_log (at, actor, action, entity, entity_id, details) VALUES (?, ?, ?, ?, ?, ?)`),
			u.CreatedAt, actor, "staff.add", "staff_user", fmt.Sprint(id), `{"role":"`+role+`"}`)
		if err != nil {
			return fmt.Errorf("audit staff.add: %w", err)
		}
		return nil
	})
	if err != nil {
		return StaffUser{}, err
	}
	return u, nil
}

// EnsureAdmin creates the user admin with password when there is no staff
// user at all yet (the first run with ADMIN_PASSWORD set). It reports whether
// it created one; an existing admin's password is never changed.
func (db *DB) EnsureAdmin(ctx context.Context, password string, now time.Time) (bool, error) {
	n, err := db.CountStaff(ctx)
	if err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := db.AddStaff(ctx, "admin", password, true, "system", now); err != nil {
		if errors.Is(err, ErrStaffExists) {
			return false, nil // another replica won the race
		}
		return false, fmt.Errorf("ADMIN_PASSWORD: create admin: %w", err)
	}
	return true, nil
}

// CountStaff counts staff users, disabled ones included.
func (db *DB) CountStaff(ctx context.Context) (int, error) {
	var n int
	if err := db.GetContext(ctx, &n, `SELECT COUNT(*) FROM staff_users`); err != nil {
		return 0, fmt.Errorf("count staff users: %w", err)
	}
	return n, nil
}

// StaffByUsername returns one staff user; the error is ErrStaffNotFound
// when there is none.
func (db *DB) StaffByUsername(ctx context.Context, username string) (StaffUser, error) {
	var u StaffUser
	err := db.GetContext(ctx, &u, db.Rebind(
		`SELECT id, username, role, created_at, disabled FROM staff_users WHERE username = ?`),
		strings.ToLower(strings.TrimSpace(username)))
	if err != nil {
		return StaffUser{}, fmt.Errorf("staff user %s: %w", username, notFound(err, ErrStaffNotFound))
	}
	return u, nil
}

// ListStaff returns every staff user by username.
func (db *DB) ListStaff(ctx context.Context) ([]StaffUser, error) {
	var us []StaffUser
	if err := db.SelectContext(ctx, &us, `SELECT id, username, role, created_at, disabled FROM staff_users ORDER BY username`); err != nil {
		return nil, fmt.Errorf("list staff users: %w", err)
	}
	return us, nil
}

// CheckStaffPassword returns the user when username and password match an
// enabled account, and ErrBadLogin otherwise (without saying which part was
// wrong).
func (db *DB) CheckStaffPassword(ctx context.Context, username, password string) (StaffUser, error) {
	var row struct {
		StaffUser
		Hash string `db:"password_hash"`
	}
	err := db.GetContext(ctx, &row, db.Rebind(
		`SELECT id, username, role, created_at, disabled, password_hash FROM staff_users WHERE username = ?`),
		strings.ToLower(strings.TrimSpace(username)))
	if noRows(err) {
		// Spend the same time as a real check so timing does not tell
		// which usernames exist.
		_ = bcrypt.CompareHashAndPassword([]byte("$2a$10$wZ0VY6nAWW6l2ol9QYeOtuIXtH.8mnRi6pBj1.VWj6EyGFk6f8Q3W"), []byte(password))
		return StaffUser{}, ErrBadLogin
	}
	if err != nil {
		return StaffUser{}, fmt.Errorf("check staff password: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(row.Hash), []byte(password)) != nil || row.Disabled {
		return StaffUser{}, ErrBadLogin
	}
	return row.StaffUser, nil
}

// SetStaffPassword replaces a user's password.
func (db *DB) SetStaffPassword(ctx context.Context, username, password, actor string, now time.Time) error {
	u, err := db.StaffByUsername(ctx, username)
	if err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE staff_users SET password_hash = ? WHERE id = ?`), hash, u.ID); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(
			`INSERT INTO audit_log (at, actor, action, entity, entity_id, details) VALUES (?, ?, ?, ?, ?, ?)`),
			now.UTC(), actor, "staff.password", "staff_user", fmt.Sprint(u.ID), "{}")
		if err != nil {
			return fmt.Errorf("audit staff.password: %w", err)
		}
		return nil
	})
}

func isUniqueViolation(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "unique") || strings.Contains(s, "duplicate key")
}
