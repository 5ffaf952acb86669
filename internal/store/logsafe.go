package store

import (
	"strconv"

	"jejaring/internal/idn"
)

// logAddr names a contact in an error that may reach a log line: the
// channel and the platform id with its middle hidden (a WhatsApp id is the
// owner's phone number). Errors carry ids, never names or phones.
func logAddr(channel, externalID string) string {
	return idn.MaskAddress(channel, externalID)
}

// derefID is an optional id for an error message ("none" when nil).
func derefID(id *int64) string {
	if id == nil {
		return "none"
	}
	return strconv.FormatInt(*id, 10)
}
