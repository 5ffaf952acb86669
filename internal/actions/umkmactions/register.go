package umkmactions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"jejaring/internal/bot"
	"jejaring/internal/contact"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

// notice gives the current privacy notice: notice_text, notice_version.
func (x *actions) notice(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	n := umkm.PrivacyNotice(x.office)
	return result("notice_text", n.Text(call.Lang), "notice_version", n.Version), nil
}

// consent records a consent answer as proof: args purpose (data_processing,
// show_to_partners, broadcasts) and granted ("true"/"false"), with the
// message id, channel, time and notice version.
func (x *actions) consent(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	purpose := str(call.Args, "purpose")
	if purpose == "" {
		purpose = contact.PurposeData
	}
	granted := boolean(call.Args, "granted")
	if err := x.recordConsent(ctx, call, purpose, granted, str(call.Args, "reply")); err != nil {
		return bot.ActionResult{}, err
	}
	return result("consent_recorded", true), nil
}

func (x *actions) recordConsent(ctx context.Context, call bot.ActionCall, purpose string, granted bool, reply string) error {
	if call.Contact.ID == 0 {
		return errors.New("consent: the contact has no id")
	}
	if reply == "" {
		reply = "tidak"
		if granted {
			reply = "ya"
		}
	}
	c := contact.Consent{ContactID: call.Contact.ID, Purpose: purpose, Granted: granted, NoticeVersion: umkm.NoticeVersion,
		Reply: reply, MessageID: call.MessageID, Channel: call.Contact.Channel, CreatedAt: call.Now}
	if err := x.db.RecordConsent(ctx, &c); err != nil {
		return err
	}
	x.log.InfoContext(ctx, "consent recorded", "contact", call.Contact.ID, "purpose", purpose, "granted", granted, "notice", umkm.NoticeVersion)
	return nil
}

// phoneOf is the owner's phone: the answer, else the contact's own.
func phoneOf(call bot.ActionCall) string {
	p := str(call.Answers, "owner_phone")
	if p == "" {
		p = call.Contact.Phone
	}
	if n, err := idn.NormalizePhone(p); err == nil {
		return n
	}
	return ""
}

// findExisting looks for a live business that is the contact's own
// (linked to them, or with their verified phone): existing (bool),
// existing_reg_no, existing_name, existing_by ("contact" or "phone"). A
// typed phone or NIB already on someone else's record only sets
// existing_other: nothing of that record (name, number) is told, or typing
// numbers would show whose business uses them.
func (x *actions) findExisting(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	none := result("existing", false, "existing_reg_no", "", "existing_name", "", "existing_by", "", "existing_other", false)
	own, err := x.repo.BusinessesOf(ctx, call.Contact.ID, call.Contact.Phone)
	if err != nil {
		return bot.ActionResult{}, err
	}
	if len(own) > 0 {
		b := &own[0]
		for i := range own {
			if own[i].ContactID != nil && *own[i].ContactID == call.Contact.ID {
				b = &own[i]
				break
			}
		}
		by := "phone"
		if b.ContactID != nil && *b.ContactID == call.Contact.ID {
			by = "contact"
		}
		r := result("existing", true, "existing_reg_no", b.RegNo, "existing_name", b.Name, "existing_by", by, "existing_other", false)
		return r, nil
	}
	nib := ""
	if n, err := idn.ParseNIB(str(call.Answers, "nib")); err == nil {
		nib = n
	}
	typed := phoneOf(call)
	if typed == "" && nib == "" {
		return none, nil
	}
	_, _, err = x.repo.FindDuplicate(ctx, 0, typed, nib)
	if errors.Is(err, umkm.ErrNotFound) {
		return none, nil
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	none.Answers["existing_other"] = true
	return none, nil
}

// sector matches the owner's own words (or a KBLI code, or a section
// letter) to a KBLI section: sector_guess (letter or ""), sector_guess_label,
// kbli_code.
func (x *actions) sector(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	text := str(call.Args, "text")
	if text == "" {
		text = str(call.Answers, "products")
	}
	m, ok := x.data.Sectors.MatchSection(text)
	if !ok {
		return result("sector_guess", "", "sector_guess_label", "", "kbli_code", ""), nil
	}
	return result("sector_guess", m.Section.Letter, "sector_guess_label", m.Section.Short(call.Lang), "kbli_code", m.KBLI), nil
}

// classify computes the size class from capital and annual_sales and
// explains it kindly: size_class, size_label, size_basis, size_text. It
// also puts a typed nagari into its official spelling (nagari).
func (x *actions) classify(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	capital, sales := numPtr(call.Answers, "capital"), numPtr(call.Answers, "annual_sales")
	class, basis := umkm.Classify(capital, sales)
	res := result("size_class", string(class), "size_label", class.Label(call.Lang), "size_basis", string(basis),
		"size_text", sizeText(class, basis, capital, sales, call.Lang))
	if ng := str(call.Answers, "nagari"); ng != "" {
		if k, ok := x.data.Region.KecamatanByCode(str(call.Answers, "kecamatan")); ok {
			if n, ok := k.MatchNagari(ng); ok {
				res.Answers["nagari"] = n.Name
			}
		}
	}
	return res, nil
}

func sizeText(class umkm.SizeClass, basis umkm.Basis, capital, sales *int64, lang string) string {
	var fig string
	switch basis {
	case umkm.BasisSales:
		fig = idn.Pick(lang, "Dengan omzet "+idn.Rupiah(*sales)+" setahun", "With annual sales of "+idn.Rupiah(*sales))
	case umkm.BasisCapital:
		fig = idn.Pick(lang, "Dengan modal usaha "+idn.Rupiah(*capital), "With business capital of "+idn.Rupiah(*capital))
	default:
		return idn.Pick(lang, "Ukuran usaha belum bisa kami hitung karena modal dan omzet belum diisi.",
			"We cannot work out the business size yet: capital and sales are missing.")
	}
	if class == umkm.Besar {
		return fig + idn.Pick(lang,
			", usaha Bapak/Ibu sudah di atas batas UMKM menurut PP 7/2021 (termasuk usaha besar). Tidak apa-apa: data tetap kami catat dan Bapak/Ibu tetap bisa ikut kegiatan kami.",
			", your business is above the UMKM limits of PP 7/2021 (a large enterprise). That is fine: we still record it and you are welcome at our events.")
	}
	return fig + idn.Pick(lang, ", usaha Bapak/Ibu termasuk *"+class.Label(lang)+"* menurut PP 7/2021.",
		", your business is a *"+class.Label(lang)+"* under PP 7/2021.")
}

// businessFrom fills b from the flow's answers (the names the registration
// and update flows save).
func (x *actions) businessFrom(b *umkm.Business, call bot.ActionCall) {
	a := call.Answers
	set := func(dst *string, k string) {
		if _, ok := a[k]; ok {
			*dst = str(a, k)
		}
	}
	set(&b.OwnerName, "owner_name")
	if p := phoneOf(call); p != "" {
		b.OwnerPhone = p
	} else if _, ok := a["owner_phone"]; ok {
		b.OwnerPhone = str(a, "owner_phone")
	}
	set(&b.Name, "business_name")
	set(&b.Products, "products")
	if _, ok := a["kbli_section"]; ok {
		b.KBLISection = str(a, "kbli_section")
		if code := str(a, "kbli_code"); code != "" {
			if k, err := idn.ParseKBLI(code); err == nil && k.Section == b.KBLISection {
				b.KBLICode, b.KBLIVersion = k.Code, k.Version
			}
		} else if b.KBLICode != "" {
			if k, err := idn.ParseKBLI(b.KBLICode); err != nil || k.Section != b.KBLISection {
				b.KBLICode, b.KBLIVersion = "", ""
			}
		}
	}
	set(&b.RegionCode, "kecamatan")
	set(&b.Village, "nagari")
	if b.Village != "" {
		if k, ok := x.data.Region.KecamatanByCode(b.RegionCode); ok {
			if n, ok := k.MatchNagari(b.Village); ok {
				b.Village = n.Name
			}
		}
	}
	set(&b.Address, "address")
	if _, ok := a["year_started"]; ok {
		b.YearStarted = intPtr(a, "year_started")
	}
	if _, ok := a["workers"]; ok {
		b.Workers = intPtr(a, "workers")
	}
	if _, ok := a["capital"]; ok {
		b.Capital = numPtr(a, "capital")
	}
	if _, ok := a["annual_sales"]; ok {
		b.AnnualSales = numPtr(a, "annual_sales")
	}
	set(&b.NIB, "nib")
	set(&b.NIK, "nik")
	set(&b.PhotoRef, "photo")
	if _, ok := a["show_partners"]; ok {
		b.ShowToPartners = boolean(a, "show_partners")
	}
}

// firstError is the owner-facing text of a validation failure.
func firstError(err error, lang string) string {
	var ie *idn.Error
	if errors.As(err, &ie) {
		return idn.Pick(lang, ie.ID, ie.EN)
	}
	return idn.Pick(lang, "Ada data yang belum benar. Mohon periksa lagi.", "Something in the data is not right. Please check it.")
}

// register saves the new business: reg_no, business_id, size_class,
// size_label; or error_text (and existing_reg_no for a duplicate).
func (x *actions) register(ctx context.Context, call bot.ActionCall) (bot.ActionResult, error) {
	lang := call.Lang
	if call.Contact.ID != 0 {
		ok, err := x.db.HasConsent(ctx, call.Contact.ID, contact.PurposeData)
		if err != nil {
			return bot.ActionResult{}, err
		}
		if !ok {
			return result("error_text", idn.Pick(lang, "Kami belum mendapat persetujuan Bapak/Ibu untuk menyimpan data. Ketik DAFTAR untuk memulai lagi.",
				"We do not have your consent to keep the data yet. Type DAFTAR to start again.")), nil
		}
	}
	// The owner typed the record and confirmed its summary: it is
	// confirmed by its owner (only imported records wait for that).
	b := umkm.Business{Source: umkm.SourceChat, Verified: true}
	if call.Contact.ID != 0 {
		id := call.Contact.ID
		b.ContactID = &id
	}
	x.businessFrom(&b, call)
	if err := b.Validate(x.data.Region, call.Now); err != nil {
		return result("error_text", firstError(err, lang)), nil
	}
	b.Classify()
	// The audit entry is written in the same transaction as the record: a
	// failed audit leaves no record, so the owner's retry registers
	// instead of hearing "already registered".
	err := x.repo.RegisterBusiness(ctx, &b, x.data.Region.Prefix, actor(call), call.Now)
	var dup *umkm.DuplicateError
	if errors.As(err, &dup) {
		if x.owns(call, dup.Existing) {
			return result("error_text", idn.Pick(lang,
				"Usaha ini sudah terdaftar dengan nomor "+dup.Existing.RegNo+". Ketik UBAH untuk memperbarui datanya.",
				"This business is already registered as "+dup.Existing.RegNo+". Type UBAH to update it."),
				"existing", true, "existing_reg_no", dup.Existing.RegNo), nil
		}
		// Someone else's record has that phone or NIB: tell nothing of it.
		return result("error_text", notYoursText(lang), "existing_other", true), nil
	}
	if err != nil {
		return bot.ActionResult{}, err
	}
	x.log.InfoContext(ctx, "business registered", "reg_no", b.RegNo, "contact", call.Contact.ID,
		"phone", idn.MaskPhone(b.OwnerPhone), "nik", idn.MaskNIK(b.NIK), "size", b.SizeClass)
	return result("reg_no", b.RegNo, "business_id", b.ID, "size_class", string(b.SizeClass), "size_label", b.SizeClass.Label(lang), "error_text", ""), nil
}

// notYoursText answers a phone or NIB already on a record that is not the
// contact's: it reveals nothing of that record and offers the verified
// ways in.
func notYoursText(lang string) string {
	return idn.Pick(lang,
		"Nomor HP atau NIB itu tidak bisa dipakai untuk pendaftaran baru dari percakapan ini. Bila usahanya sudah terdaftar atas nama Bapak/Ibu, kirim pesan dari WhatsApp atau Telegram nomor tersebut, atau ketik *HUBUNGKAN* untuk menerima kode di nomor itu, atau hubungi kantor Dinas.",
		"That phone number or NIB cannot be used for a new registration from this chat. If the business is already registered as yours, write to us from the WhatsApp or Telegram of that number, or type *HUBUNGKAN* to get a code on that number, or contact the office.")
}

func actor(call bot.ActionCall) string { return store.ActorContact(call.Contact.ID) }

// recordText writes a business the way the owner reads it.
func (x *actions) recordText(b *umkm.Business, lang string) string {
	var sb strings.Builder
	line := func(id, en, v string) {
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(&sb, "\n• %s: %s", idn.Pick(lang, id, en), v)
	}
	fmt.Fprintf(&sb, "*%s* (%s)", b.Name, b.RegNo)
	line("Pemilik", "Owner", b.OwnerName)
	line("Nomor HP", "Phone", b.OwnerPhone)
	if b.NIK != "" {
		line("NIK", "NIK", idn.MaskNIK(b.NIK))
	}
	line("Produk", "Products", b.Products)
	sector := b.KBLISection
	if s, ok := x.data.Sectors.Section(b.KBLISection); ok {
		sector = s.Short(lang)
	}
	if b.KBLICode != "" {
		sector += " (KBLI " + b.KBLICode + ")"
	}
	line("Bidang usaha", "Sector", sector)
	kec := b.RegionCode
	if k, ok := x.data.Region.KecamatanByCode(b.RegionCode); ok {
		kec = k.Name
	}
	line("Kecamatan", "District", kec)
	line("Nagari", "Nagari", b.Village)
	line("Alamat", "Address", b.Address)
	if b.YearStarted != nil {
		line("Mulai usaha", "Started", strconv.Itoa(*b.YearStarted))
	}
	if b.Workers != nil {
		line("Tenaga kerja", "Workers", strconv.Itoa(*b.Workers))
	}
	if b.Capital != nil {
		line("Modal usaha", "Capital", idn.Rupiah(*b.Capital))
	}
	if b.AnnualSales != nil {
		line("Omzet setahun", "Annual sales", idn.Rupiah(*b.AnnualSales))
	}
	line("Ukuran usaha", "Size", b.SizeClass.Label(lang))
	line("NIB", "NIB", b.NIB)
	line("Ditampilkan ke mitra", "Shown to partners", idn.Pick(lang, yesNo(b.ShowToPartners, "ya", "tidak"), yesNo(b.ShowToPartners, "yes", "no")))
	if !b.Verified {
		line("Status", "Status", idn.Pick(lang, "belum dikonfirmasi pemilik", "not yet confirmed by the owner"))
	}
	return sb.String()
}

func yesNo(b bool, y, n string) string {
	if b {
		return y
	}
	return n
}
