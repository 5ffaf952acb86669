package config

import (
	"fmt"
	"strconv"
	"strings"

	"jejaring/internal/idn"
)

// buildReach reads the reach settings (issue 12): the office's WhatsApp
// number and the bot's username for the QR codes, the campaign's cap.
func (c *Config) buildReach(raw map[string]string) error {
	if v := strings.TrimSpace(raw["OFFICE_WHATSAPP"]); v != "" {
		p, err := idn.NormalizePhone(v)
		if err != nil {
			return fmt.Errorf("OFFICE_WHATSAPP: want a phone number such as 0812-3456-7890 or +6281234567890, got %q", v)
		}
		c.OfficeWhatsApp = p
	}
	bot := strings.TrimPrefix(strings.TrimSpace(raw["TELEGRAM_BOT_USERNAME"]), "@")
	if bot != "" && !validBotName(bot) {
		return fmt.Errorf("TELEGRAM_BOT_USERNAME: want a bot username of 5-32 letters, digits or _ (ending in bot), got %q", bot)
	}
	c.TelegramBotUsername = bot
	n, err := strconv.Atoi(strings.TrimSpace(raw["REACH_DAILY_CAP"]))
	if err != nil || n < 1 || n > 40 {
		return fmt.Errorf("REACH_DAILY_CAP: want a whole number from 1 to 40, got %q", raw["REACH_DAILY_CAP"])
	}
	c.ReachDailyCap = n
	return nil
}

func validBotName(s string) bool {
	if len(s) < 5 || len(s) > 32 || !strings.HasSuffix(strings.ToLower(s), "bot") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
