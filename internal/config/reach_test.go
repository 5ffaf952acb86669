package config

import "testing"

func TestReachSettings(t *testing.T) {
	t.Parallel()
	c, err := load(t, nil, map[string]string{"OFFICE_WHATSAPP": "0811-0000-1111", "TELEGRAM_BOT_USERNAME": "@JejaringBot"})
	if err != nil {
		t.Fatal(err)
	}
	if c.OfficeWhatsApp != "+6281100001111" || c.TelegramBotUsername != "JejaringBot" || c.ReachDailyCap != 15 {
		t.Errorf("reach settings: %q %q %d", c.OfficeWhatsApp, c.TelegramBotUsername, c.ReachDailyCap)
	}
	for _, bad := range []map[string]string{{"OFFICE_WHATSAPP": "kantor"}, {"TELEGRAM_BOT_USERNAME": "jej aring"}, {"REACH_DAILY_CAP": "100"}, {"REACH_DAILY_CAP": "0"}} {
		if _, err := load(t, nil, bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
