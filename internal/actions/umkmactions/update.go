package umkmactions

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"jejaring/internal/bot"
	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// ownBusiness finds the business this contact may see and change: theirs
// by contact, else one (imported, or registered from another chat) with
// their own VERIFIED phone number (call.Contact.Phone is only ever that: see
// package contact). A typed number never reaches a record.
func (x *actions) ownBusiness(ctx context.Context, call bot.ActionCall) (*umkm.Business, error) {
	if id, ok := num(call.Answers, "business_id"); ok && id > 0 {
		b, err := x.repo.GetBusiness(ctx, id)
		if err != nil {
			return nil, err
		}
		if x.owns(call, b) && b.DeletedAt == nil {
			return b, nil
		}
		return nil, umkm.ErrNotFound
	}
	bs, err := x.repo.BusinessesOf(ctx, call.Contact.ID, call.Contact.Phone)
	if err != nil {
		return nil, err
	}
	// Their own record first, then one found by their phone.
	for i := range bs {
		if bs[i].ContactID != nil && *bs[i].ContactID == call.Contact.ID {
			return &bs[i], nil
		}
	}
	if len(bs) > 0 {
		return &bs[0], nil
	}
	return nil, umkm.ErrNotFound
}

// owns: the business is linked to the contact, or carries the contact's
// own verified phone number (the same owner on another channel, or an
// imported record). This is the one ownership rule of datasaya, ubah and
// hapusdata.
func (x *actions) owns(call bot.ActionCall, b *umkm.Business) bool {
	if call.Contact.ID != 0 && b.ContactID != nil && *b.ContactID == call.Contact.ID {
		return true
	}
	// call.Contact.Phone is the verified phone (WhatsApp sender, a
	// Telegram contact shared by its own user, a one-time code), never a
	// typed or web chat one: the bot leaves it empty otherwise.
	return call.Contact.Phone != "" && b.OwnerPhone == call.Contact.Phone
}

// claim links the record whose claim token the contact opened
// (konfirmasi_<token>) to the contact and returns its id; 0 when the token
// is not (or no longer) valid.
func (x *actions) claim(ctx context.Context, call bot.ActionCall, token string) (int64, error) {
	if call.Contact.ID == 0 {
		return 0, errors.New("claim: the contact has no id")
	}
	b, err := x.repo.ClaimBusiness(ctx, token, call.Contact.ID, actor(call), call.Now)
	if errors.Is(err, umkm.ErrNotFound) {
		x.log.InfoContext(ctx, "claim token refused", "contact", call.Contact.ID)
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	x.log.InfoContext(ctx, "business claimed with its token", "reg_no", b.RegNo, "contact", call.Contact.ID)
	return b.ID, nil
}

// load puts the contact's business into the answers under the names the
// flows use: found, business_id, reg_no, owner_name, owner_phone,
// business_name, products, kbli_section, kbli_code, kecamatan, nagari,
// address, year_started, workers, capital, annual_sales, nib, nik,
// show_partners, verified, record_text.
//
// With claim_token in the answers (the deep link konfirmasi_<token>, or
// "KONFIRMASI <token>"), the record of that token is first linked to the
// contact; a bad token gives found false and claim_failed true.
func (x *actions) load(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	if tok := str(call.Answers, "claim_token"); tok != "" {
		id, err := x.claim(ctx, call, tok)
		if err != nil {
			return bot.ActionResult{}, err
		}
		if id == 0 {
			return result("found", false, "claim_failed", true, "claim_token", ""), nil
		}
		// The token is spent: it is not kept in the session.
		call.Answers = maps.Clone(call.Answers)
		delete(call.Answers, "claim_token")
		call.Answers["business_id"] = id
		r, err := x.load(ctx, call)
		if err == nil {
			r.Answers["claim_token"] = ""
		}
		return r, err
	}
	b, err := x.ownBusiness(ctx, call)
	if errors.Is(err, umkm.ErrNotFound) {
		return result("found", false), nil
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	if err := x.db.AddAudit(ctx, call.Now, actor(call), store.AuditDataView, "business", strconv.FormatInt(b.ID, 10), nil); err != nil {
		return bot.ActionResult{}, err
	}
	r := result("found", true, "business_id", b.ID, "reg_no", b.RegNo, "owner_name", b.OwnerName,
		"owner_phone", b.OwnerPhone, "business_name", b.Name, "products", b.Products, "kbli_section", b.KBLISection,
		"kbli_code", b.KBLICode, "kecamatan", b.RegionCode, "address", b.Address, "show_partners", b.ShowToPartners,
		"verified", b.Verified, "size_label", b.SizeClass.Label(call.Lang), "record_text", x.recordText(b, call.Lang))
	opt := func(k string, v any, ok bool) {
		if ok {
			r.Answers[k] = v
		}
	}
	opt("nagari", b.Village, b.Village != "")
	opt("nib", b.NIB, b.NIB != "")
	opt("nik", b.NIK, b.NIK != "")
	opt("photo", b.PhotoRef, b.PhotoRef != "")
	if b.YearStarted != nil {
		r.Answers["year_started"] = *b.YearStarted
	}
	if b.Workers != nil {
		r.Answers["workers"] = *b.Workers
	}
	if b.Capital != nil {
		r.Answers["capital"] = *b.Capital
	}
	if b.AnnualSales != nil {
		r.Answers["annual_sales"] = *b.AnnualSales
	}
	return r, nil
}

// update saves the owner's changes with an audit entry, marks the record
// confirmed by its owner and links it to the contact: changed_count,
// changes_text, size_label, reg_no; or error_text.
func (x *actions) update(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	lang := call.Lang
	b, err := x.ownBusiness(ctx, call)
	if errors.Is(err, umkm.ErrNotFound) {
		return result("error_text", idn.Pick(lang, "Data usaha Bapak/Ibu tidak kami temukan. Ketik DAFTAR untuk mendaftar.",
			"We could not find your business. Type DAFTAR to register.")), nil
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	nb := *b
	x.businessFrom(&nb, call)
	if err := nb.Validate(x.data.Region, call.Now); err != nil {
		return result("error_text", firstError(err, lang)), nil
	}
	nb.Classify()
	if call.Contact.ID != 0 {
		id := call.Contact.ID
		nb.ContactID = &id
	}
	nb.Verified = true
	changes, err := x.repo.UpdateBusiness(ctx, &nb, actor(call), call.Now)
	var dup *umkm.DuplicateError
	if errors.As(err, &dup) {
		// Nothing about the other record is told (no name, no number).
		return result("error_text", idn.Pick(lang, "NIB itu sudah tercatat pada data usaha lain. Mohon periksa lagi, atau hubungi kantor Dinas bila NIB itu memang milik Bapak/Ibu.",
			"That NIB is already on record for another business. Please check it, or contact the office if the NIB is yours.")), nil
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	if nb.ShowToPartners != b.ShowToPartners && call.Contact.ID != 0 {
		// Showing the profile to partners is its own consent: a change
		// here is recorded like the first answer.
		if err := x.recordConsent(ctx, call, contact.PurposePartners, nb.ShowToPartners, ""); err != nil {
			return bot.ActionResult{}, err
		}
	}
	var names []string
	for _, c := range changes {
		if c.Field == "contact_id" || c.Field == "verified" || c.Field == "size_class" || c.Field == "kbli_version" {
			continue
		}
		names = append(names, fieldLabel(c.Field, lang))
	}
	text := idn.Pick(lang, "Tidak ada yang berubah.", "Nothing changed.")
	if len(names) > 0 {
		text = idn.Pick(lang, "Yang diperbarui: ", "Updated: ") + strings.Join(names, ", ") + "."
	}
	x.log.InfoContext(ctx, "business updated", "reg_no", nb.RegNo, "contact", call.Contact.ID, "fields", len(changes))
	return result("changed_count", len(names), "changes_text", text, "size_label", nb.SizeClass.Label(lang),
		"reg_no", nb.RegNo, "error_text", ""), nil
}

var fieldLabels = map[string]idn.Text{
	"owner_name": {ID: "nama pemilik", EN: "owner's name"}, "owner_phone": {ID: "nomor HP", EN: "phone"}, "nik": {ID: "NIK", EN: "NIK"},
	"name": {ID: "nama usaha", EN: "business name"}, "products": {ID: "produk", EN: "products"}, "kbli_section": {ID: "bidang usaha", EN: "sector"},
	"kbli_code": {ID: "kode KBLI", EN: "KBLI code"}, "region_code": {ID: "kecamatan", EN: "district"}, "village": {ID: "nagari", EN: "nagari"},
	"address": {ID: "alamat", EN: "address"}, "year_started": {ID: "tahun mulai", EN: "year started"}, "workers": {ID: "tenaga kerja", EN: "workers"},
	"capital": {ID: "modal", EN: "capital"}, "annual_sales": {ID: "omzet", EN: "annual sales"}, "nib": {ID: "NIB", EN: "NIB"},
	"photo_ref": {ID: "foto produk", EN: "product photo"}, "show_to_partners": {ID: "tampil ke mitra", EN: "shown to partners"},
	"tags": {ID: "label", EN: "tags"},
}

func fieldLabel(f, lang string) string {
	if l, ok := fieldLabels[f]; ok {
		return l.In(lang)
	}
	return f
}

// myData shows everything stored about the contact (datasaya): mydata_text.
func (x *actions) myData(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	lang := call.Lang
	var sb strings.Builder
	sb.WriteString(idn.Pick(lang, "*Data Bapak/Ibu yang kami simpan*", "*The data we keep about you*"))
	if call.Contact.ID != 0 {
		c, err := x.db.ContactByID(ctx, call.Contact.ID)
		if err != nil && !errors.Is(err, contact.ErrNotFound) {
			return bot.ActionResult{}, err
		}
		if err == nil {
			fmt.Fprintf(&sb, "\n\n%s\n• %s: %s\n• %s: %s\n• %s: %s\n• %s: %s",
				idn.Pick(lang, "Kontak:", "Contact:"),
				idn.Pick(lang, "Nama di aplikasi", "Name in the app"), dash(c.DisplayName),
				idn.Pick(lang, "Nomor HP", "Phone"), phoneLine(c, lang),
				idn.Pick(lang, "Saluran", "Channel"), c.Channel,
				idn.Pick(lang, "Terima undangan", "Receives invitations"), idn.Pick(lang, yesNo(!c.Stopped, "ya", "tidak (BERHENTI)"), yesNo(!c.Stopped, "yes", "no (BERHENTI)")))
		}
	}
	bs, err := x.repo.BusinessesOf(ctx, call.Contact.ID, call.Contact.Phone)
	if err != nil {
		return bot.ActionResult{}, err
	}
	if len(bs) == 0 {
		sb.WriteString(idn.Pick(lang, "\n\nBelum ada usaha yang terhubung dengan percakapan ini. Bila usaha Bapak/Ibu didaftarkan dari WhatsApp, Telegram atau oleh petugas, ketik *HUBUNGKAN*.",
			"\n\nNo business is linked to this chat. If your business was registered on WhatsApp, Telegram or by the office, type *HUBUNGKAN*."))
	}
	for i := range bs {
		sb.WriteString("\n\n")
		sb.WriteString(x.recordText(&bs[i], lang))
		if err := x.db.AddAudit(ctx, call.Now, actor(call), store.AuditDataView, "business", strconv.FormatInt(bs[i].ID, 10), nil); err != nil {
			return bot.ActionResult{}, err
		}
	}
	if call.Contact.ID != 0 {
		cs, err := x.db.ConsentsOf(ctx, call.Contact.ID)
		if err != nil {
			return bot.ActionResult{}, err
		}
		if len(cs) > 0 {
			sb.WriteString(idn.Pick(lang, "\n\nPersetujuan:", "\n\nConsents:"))
			for _, c := range cs {
				fmt.Fprintf(&sb, "\n• %s %s: %s (%s %s)", c.CreatedAt.In(idn.WIB).Format("02-01-2006 15:04"), purposeLabel(c.Purpose, lang),
					idn.Pick(lang, yesNo(c.Granted, "setuju", "tidak setuju"), yesNo(c.Granted, "agreed", "declined")),
					idn.Pick(lang, "versi", "version"), c.NoticeVersion)
			}
		}
	}
	if call.Contact.ID != 0 {
		all, open, err := x.db.QuestionCounts(ctx, call.Contact.ID)
		if err != nil {
			return bot.ActionResult{}, err
		}
		if all > 0 {
			fmt.Fprintf(&sb, idn.Pick(lang, "\n\nPertanyaan ke kantor (TANYA): %d, belum dijawab %d", "\n\nQuestions to the office (TANYA): %d, not answered yet %d"), all, open)
		}
	}
	if call.Contact.ID != 0 {
		outs, err := x.db.OutcomesOf(ctx, call.Contact.ID)
		if err != nil {
			return bot.ActionResult{}, err
		}
		if len(outs) > 0 {
			sb.WriteString(idn.Pick(lang, "\n\nJawaban tentang hasil acara:", "\n\nYour answers about what came of events:"))
			for _, o := range outs {
				fmt.Fprintf(&sb, "\n• %s, %s: %s", o.Title, roundLabel(o.Outcome.Round, lang), event.OutcomeSummary(&o.Outcome, lang))
			}
		}
	}
	sb.WriteString(idn.Pick(lang, "\n\nKetik UBAH untuk memperbaiki, HAPUSDATA untuk menghapus.", "\n\nType UBAH to correct it, HAPUSDATA to delete it."))
	return result("mydata_text", sb.String()), nil
}

// roundLabel names an outcome question's round for datasaya.
func roundLabel(r event.Round, lang string) string {
	if m := r.Months(); m > 0 {
		return fmt.Sprintf(idn.Pick(lang, "%d bulan kemudian", "%d months later"), m)
	}
	return idn.Pick(lang, "setelah acara", "after the event")
}

// phoneLine is the contact's verified phone and how it became known.
func phoneLine(c contact.Contact, lang string) string {
	p := c.VerifiedPhone()
	if p == "" {
		return "-"
	}
	switch contact.PhoneSource(c.PhoneSource) {
	case contact.SourceWhatsAppSender:
		return p + idn.Pick(lang, " (dari WhatsApp)", " (from WhatsApp)")
	case contact.SourceTelegramContact:
		return p + idn.Pick(lang, " (dibagikan di Telegram)", " (shared on Telegram)")
	case contact.SourceOTP:
		return p + idn.Pick(lang, " (dikonfirmasi dengan kode)", " (confirmed with a code)")
	}
	return p
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func purposeLabel(p, lang string) string {
	switch p {
	case contact.PurposeData:
		return idn.Pick(lang, "penyimpanan data usaha", "keeping business data")
	case contact.PurposePartners:
		return idn.Pick(lang, "tampil ke mitra", "shown to partners")
	case contact.PurposeBroadcasts:
		return idn.Pick(lang, "undangan dan pengumuman", "invitations and announcements")
	}
	return p
}

// deleteData carries out hapusdata: erases the contact's businesses, contact
// details, invitations and messages in one transaction (store.EraseContact),
// then their sessions, queues and photos (Forgetter), and records the
// withdrawal of every consent (time, message id, notice version):
// deleted_count.
func (x *actions) deleteData(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	if call.Contact.ID == 0 {
		return bot.ActionResult{}, errors.New("delete data: the contact has no id")
	}
	er, err := x.repo.EraseContact(ctx, call.Contact.ID, actor(call), call.Now)
	if err != nil {
		return bot.ActionResult{}, err
	}
	n := len(er.Businesses)
	if err := x.forget.Forget(ctx, er.Addresses, er.Media); err != nil {
		// Committed already: the keys expire with their TTLs; say so
		// loudly so an operator removes the files.
		x.log.ErrorContext(ctx, "erasure committed but data outside the database not removed", "contact", call.Contact.ID, "err", err)
	}
	for _, p := range []string{contact.PurposeData, contact.PurposePartners, contact.PurposeBroadcasts} {
		if err := x.recordConsent(ctx, call, p, false, "hapusdata"); err != nil {
			return bot.ActionResult{}, err
		}
	}
	x.log.InfoContext(ctx, "personal data deleted on request", "contact", call.Contact.ID, "businesses", n)
	return result("deleted_count", n), nil
}

// stop (berhenti) turns broadcasts off and records the withdrawal.
func (x *actions) stop(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	return x.setStopped(ctx, call, true)
}

// start (mulai) allows broadcasts again and records the consent.
func (x *actions) start(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	return x.setStopped(ctx, call, false)
}

func (x *actions) setStopped(ctx context.Context, call bot.ActionCall, stopped bool) (bot.ActionResult, error) {
	if call.Contact.ID == 0 {
		return bot.ActionResult{}, errors.New("broadcast preference: the contact has no id")
	}
	if err := x.db.SetContactStopped(ctx, call.Contact.ID, stopped); err != nil {
		return bot.ActionResult{}, err
	}
	reply := yesNo(stopped, "berhenti", "mulai")
	if err := x.recordConsent(ctx, call, contact.PurposeBroadcasts, !stopped, reply); err != nil {
		return bot.ActionResult{}, err
	}
	return result("stopped", stopped), nil
}
