package telegram

import (
	"context"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// commandWords maps a menu command to the word the bot pipeline understands
// (the global words of every flow). /start is handled as KindStart.
var commandWords = map[string]string{
	"menu":    "menu",
	"daftar":  "daftar",
	"bantuan": "bantuan",
	"batal":   "batal",
	"bahasa":  "bahasa",
	"help":    "bantuan",
	"cancel":  "batal",
}

// menus is the command menu per language: "" is the default shown to
// everyone, "id" and "en" by the user's app language.
func menus() map[string][]models.BotCommand {
	id := []models.BotCommand{
		{Command: "start", Description: "Mulai percakapan dengan Jejaring"},
		{Command: "daftar", Description: "Daftarkan usaha (UMKM) Bapak/Ibu"},
		{Command: "menu", Description: "Lihat menu layanan"},
		{Command: "bantuan", Description: "Bantuan dan cara memakai"},
		{Command: "batal", Description: "Batalkan langkah yang sedang berjalan"},
		{Command: "bahasa", Description: "Ganti bahasa / change language"},
	}
	en := []models.BotCommand{
		{Command: "start", Description: "Start talking with Jejaring"},
		{Command: "daftar", Description: "Register your small business (UMKM)"},
		{Command: "menu", Description: "Show the service menu"},
		{Command: "bantuan", Description: "Help and how to use the bot"},
		{Command: "batal", Description: "Cancel the current step"},
		{Command: "bahasa", Description: "Change language / ganti bahasa"},
	}
	return map[string][]models.BotCommand{"": id, "id": id, "en": en}
}

// setCommands sets the command menu in Indonesian (default) and English. It
// is best-effort: a failure is logged, the bot works without a menu.
func (a *Adapter) setCommands(ctx context.Context) {
	for lang, cmds := range menus() {
		p := &tgbot.SetMyCommandsParams{Commands: cmds, LanguageCode: lang}
		if err := a.callWithRetry(ctx, "setMyCommands", 0, func(ctx context.Context) error {
			_, err := a.api.SetMyCommands(ctx, p)
			return err
		}); err != nil {
			a.log.Warn("set command menu", "lang", lang, "err", err)
		}
	}
}
