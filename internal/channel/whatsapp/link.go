package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"jejaring/internal/idn"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/store/sqlstore"
	"go.mau.fi/whatsmeow/types/events"
)

// Session reads and creates the linked-device session, for
// `jejaring whatsapp link` and `jejaring whatsapp status`. It never runs
// alongside a connected Adapter on the same session: linking happens while
// the number is not linked, and status only reads.
type Session struct {
	container *sqlstore.Container
	log       *slog.Logger
	proxyURL  string
	dial      func(ctx context.Context, network, addr string) (net.Conn, error)
}

// SessionConfig is what Session needs: the database as whatsmeow takes it
// (see Config.DB and Config.Dialect), and the same network settings the
// channel uses.
type SessionConfig struct {
	DB       *sql.DB
	Dialect  string
	Logger   *slog.Logger
	ProxyURL string
	Dial     func(ctx context.Context, network, addr string) (net.Conn, error)
}

// OpenSession prepares whatsmeow's tables in the database and returns a
// Session over them.
func OpenSession(ctx context.Context, cfg SessionConfig) (*Session, error) {
	if cfg.DB == nil || cfg.Dialect == "" {
		return nil, errors.New("whatsapp: SessionConfig.DB and SessionConfig.Dialect are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c, err := openContainer(ctx, cfg.DB, cfg.Dialect, cfg.Logger)
	if err != nil {
		return nil, err
	}
	return &Session{container: c, log: cfg.Logger.With("channel", "whatsapp"), proxyURL: cfg.ProxyURL, dial: cfg.Dial}, nil
}

// LinkedPhone returns the linked number in digits without "+", or "" when
// the office number is not linked.
func (s *Session) LinkedPhone(ctx context.Context) (string, error) {
	dev, err := linkedDevice(ctx, s.container)
	if err != nil || dev == nil || dev.ID == nil {
		return "", err
	}
	return dev.ID.User, nil
}

// LinkOptions says how to pair.
type LinkOptions struct {
	// Phone, when set ("+62812…"), pairs with an 8-character code the
	// owner types on the phone instead of scanning a QR code.
	Phone string
	// OnQR is called with each QR code to show (they change every 20 seconds
	// or so).
	OnQR func(code string)
	// OnPairCode is called with the pairing code when Phone is set.
	OnPairCode func(code string)
	// Timeout bounds the whole pairing (default 3 minutes).
	Timeout time.Duration
}

// ErrAlreadyLinked is returned by Link when a number is linked already.
var ErrAlreadyLinked = errors.New("a WhatsApp number is already linked")

// Link pairs the office's WhatsApp number as a linked device and stores the
// session. It returns the linked number (digits) once WhatsApp accepted the
// new device.
func (s *Session) Link(ctx context.Context, opts LinkOptions) (string, error) {
	if phone, err := s.LinkedPhone(ctx); err != nil {
		return "", err
	} else if phone != "" {
		return phone, fmt.Errorf("%w (%s): remove it from the phone's Linked devices first, then link again", ErrAlreadyLinked, idn.MaskPhone(phone))
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 3 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	dev := s.container.NewDevice()
	cli := whatsmeow.NewClient(dev, newWALog(s.log, "Link"))
	cli.EnableAutoReconnect = false
	if err := configureNetwork(cli, s.proxyURL, s.dial); err != nil {
		return "", err
	}
	defer cli.Disconnect()

	done := make(chan error, 1)
	firstQR := make(chan struct{}, 1)
	cli.AddEventHandler(func(evt any) {
		switch e := evt.(type) {
		case *events.QR:
			select {
			case firstQR <- struct{}{}:
			default:
			}
		case *events.Connected:
			select {
			case done <- nil:
			default:
			}
		case *events.PairError:
			select {
			case done <- fmt.Errorf("pairing failed: %w", e.Error):
			default:
			}
		case *events.LoggedOut:
			select {
			case done <- errors.New("WhatsApp refused the new device"):
			default:
			}
		}
	})

	if opts.Phone == "" {
		qrs, err := cli.GetQRChannel(ctx)
		if err != nil {
			return "", fmt.Errorf("whatsapp link: %w", err)
		}
		if err := cli.ConnectContext(ctx); err != nil {
			return "", fmt.Errorf("whatsapp link: connect: %w", err)
		}
		for item := range qrs {
			switch item.Event {
			case whatsmeow.QRChannelEventCode:
				if opts.OnQR != nil {
					opts.OnQR(item.Code)
				}
			case whatsmeow.QRChannelSuccess.Event:
			case whatsmeow.QRChannelTimeout.Event:
				return "", errors.New("whatsapp link: the QR codes expired before one was scanned; run the command again")
			case whatsmeow.QRChannelEventError:
				return "", fmt.Errorf("whatsapp link: %w", item.Error)
			default:
				return "", fmt.Errorf("whatsapp link: %s", item.Event)
			}
		}
	} else {
		digits := nonDigits.ReplaceAllString(opts.Phone, "")
		if strings.HasPrefix(digits, "0") {
			digits = "62" + digits[1:]
		}
		if err := cli.ConnectContext(ctx); err != nil {
			return "", fmt.Errorf("whatsapp link: connect: %w", err)
		}
		select {
		case <-firstQR:
		case <-ctx.Done():
			return "", fmt.Errorf("whatsapp link: no answer from WhatsApp: %w", ctx.Err())
		}
		code, err := cli.PairPhone(ctx, digits, true, whatsmeow.PairClientChrome, "Chrome (Linux)")
		if err != nil {
			return "", fmt.Errorf("whatsapp link: pairing code: %w", err)
		}
		if opts.OnPairCode != nil {
			opts.OnPairCode(code)
		}
	}
	select {
	case err := <-done:
		if err != nil {
			return "", fmt.Errorf("whatsapp link: %w", err)
		}
	case <-ctx.Done():
		return "", fmt.Errorf("whatsapp link: not confirmed by WhatsApp in time: %w", ctx.Err())
	}
	if cli.Store.ID == nil {
		return "", errors.New("whatsapp link: WhatsApp did not confirm the new device")
	}
	return cli.Store.ID.User, nil
}
