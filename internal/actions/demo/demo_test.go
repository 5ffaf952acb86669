package demo

import (
	"context"
	"strings"
	"testing"

	"jejaring/internal/bot"
)

func TestSaveStoresNothingAndAnswersASampleNumber(t *testing.T) {
	t.Parallel()
	a := bot.Actions{}
	if err := Register(a); err != nil {
		t.Fatal(err)
	}
	res, err := save(context.Background(), bot.ActionCall{})
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := res.Answers["reg_no"].(string)
	if !strings.HasPrefix(reg, "CONTOH-") || len(reg) != len("CONTOH-")+6 {
		t.Errorf("reg_no %q, want CONTOH- and 6 hex digits", reg)
	}
	if err := Register(a); err == nil {
		t.Error("registering demo.save twice was accepted")
	}
}
