package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jejaring/internal/contact"
	"jejaring/internal/event"
	"jejaring/internal/idn"
	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

type field struct{ Label, Value string }

type consentRow struct{ When, Purpose, Answer, Notice, Channel string }

// eventRow is one invitation on the business page: the event, the
// answer (with party size and wishes), and whether they came.
type eventRow struct {
	Title, When, Answer, Answered, Attended string
	Past, Cancelled                         bool
}

// contactInfo is the chat contact, masked: the channel, the name the
// platform gives, the account or phone with its middle hidden.
type contactInfo struct {
	Channel, Name, Account, Phone, LastSeen string
	Stopped, Blocked                        bool
}

type bizData struct {
	B        umkm.Business
	Fields   []field
	Full     bool
	Consents []consentRow
	Contact  *contactInfo
	Events   []eventRow
	// Connections are the partners met at temu bisnis (outcomes.go).
	Connections []connRow
	History     []historyRow
	Reason      string
}

func (s *Server) loadBusiness(w http.ResponseWriter, r *http.Request, u store.StaffUser) (*umkm.Business, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return nil, false
	}
	b, err := s.opt.Businesses.GetBusiness(r.Context(), id)
	if errors.Is(err, umkm.ErrNotFound) || err == nil && b.DeletedAt != nil {
		s.fail(w, r, u, http.StatusNotFound, "err.notfound")
		return nil, false
	}
	if err != nil {
		s.serverError(w, r, u, err)
		return nil, false
	}
	return b, true
}

func (s *Server) business(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	s.showBusiness(w, r, u, false, "")
}

// reveal shows the page with NIK and phone in full, after a reason; the
// view and its reason go into the audit log first.
func (s *Server) reveal(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if utf8.RuneCountInString(reason) < 5 {
		b, ok := s.loadBusiness(w, r, u)
		if !ok {
			return
		}
		s.renderBusiness(w, r, u, b, false, http.StatusUnprocessableEntity, t(langOf(w, r), "biz.reasonneeded"))
		return
	}
	s.showBusiness(w, r, u, true, reason)
}

func (s *Server) showBusiness(w http.ResponseWriter, r *http.Request, u store.StaffUser, full bool, reason string) {
	b, ok := s.loadBusiness(w, r, u)
	if !ok {
		return
	}
	details := map[string]any{"reg_no": b.RegNo, "view": "page"}
	if full {
		details = map[string]any{"reg_no": b.RegNo, "view": "full", "fields": []string{"nik", "owner_phone"}, "reason": reason}
	}
	if err := s.audit(r.Context(), u, store.AuditDataView, "business", strconv.FormatInt(b.ID, 10), details); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	s.renderBusiness(w, r, u, b, full, http.StatusOK, "")
}

func (s *Server) renderBusiness(w http.ResponseWriter, r *http.Request, u store.StaffUser, b *umkm.Business, full bool, code int, errText string) {
	ctx := r.Context()
	lang := langOf(w, r)
	d := bizData{B: *b, Full: full}
	phone, nik := idn.MaskPhone(b.OwnerPhone), idn.MaskNIK(b.NIK)
	if full {
		phone, nik = b.OwnerPhone, b.NIK
	}
	num := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	money := func(p *int64) string {
		if p == nil {
			return ""
		}
		return idn.Rupiah(*p)
	}
	yes := t(lang, "dir.no")
	if b.Verified {
		yes = t(lang, "dir.yes")
	}
	d.Fields = []field{
		{t(lang, "f.reg_no"), b.RegNo}, {t(lang, "f.name"), b.Name}, {t(lang, "f.owner_name"), b.OwnerName},
		{t(lang, "f.owner_phone"), phone}, {t(lang, "f.nik"), nik}, {t(lang, "f.nib"), b.NIB},
		{t(lang, "f.products"), b.Products}, {t(lang, "f.kbli_section"), s.sectorName(b.KBLISection, lang)},
		{t(lang, "f.region_code"), s.kecamatanName(b.RegionCode, lang)}, {t(lang, "f.village"), b.Village},
		{t(lang, "f.address"), b.Address}, {t(lang, "f.year_started"), num(b.YearStarted)}, {t(lang, "f.workers"), num(b.Workers)},
		{t(lang, "f.capital"), money(b.Capital)}, {t(lang, "f.annual_sales"), money(b.AnnualSales)},
		{t(lang, "f.size_class"), sizeLabel(lang, string(b.SizeClass))}, {t(lang, "f.verified"), yes},
		{t(lang, "f.source"), sourceLabel(b.Source, lang)}, {t(lang, "f.tags"), b.Tags},
		{t(lang, "f.created_at"), b.CreatedAt.In(s.location).Format("02-01-2006 15:04") + " WIB"},
	}
	if b.ContactID != nil {
		c, err := s.opt.Contacts.ContactByID(ctx, *b.ContactID)
		if err != nil && !errors.Is(err, contact.ErrNotFound) {
			s.serverError(w, r, u, err)
			return
		}
		if err == nil {
			d.Contact = s.contactRow(c, lang)
			cs, err := s.opt.Contacts.ConsentsOf(ctx, c.ID)
			if err != nil {
				s.serverError(w, r, u, err)
				return
			}
			for _, x := range cs {
				ans := t(lang, "consent.no")
				if x.Granted {
					ans = t(lang, "consent.yes")
				}
				d.Consents = append(d.Consents, consentRow{x.CreatedAt.In(s.location).Format("02-01-2006 15:04") + " WIB", purposeLabel(x.Purpose, lang), ans, x.NoticeVersion, channelLabel(x.Channel)})
			}
			invs, err := s.opt.Events.InvitationsOf(ctx, c.ID)
			if err != nil {
				s.serverError(w, r, u, err)
				return
			}
			for _, inv := range invs {
				d.Events = append(d.Events, s.eventRow(inv, lang))
			}
		}
	}
	conns, err := s.connections(ctx, b.ID, lang)
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d.Connections = conns
	log, err := s.opt.Audit.AuditFor(ctx, "business", strconv.FormatInt(b.ID, 10))
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	d.History = s.history(log, lang)
	s.render(w, r, &u, code, "business", "biz.data", page{Data: d, Error: errText})
}

// editData is the edit form: the values as typed and the errors by field.
type editData struct {
	ID           int64
	RegNo        string
	Action, Back string // where the form posts, where Cancel leads
	V            map[string]string
	Errs         map[string]string
	Verified     bool
	Kecamatan    []option
	Sectors      []option
}

// editFields are the fields staff may change here (NIK, consents, the
// chat link and the source are not: they come from the owner or the
// import).
var editFields = []string{"name", "owner_name", "owner_phone", "nib", "products", "kbli_section", "region_code", "village", "address",
	"year_started", "workers", "capital", "annual_sales", "tags"}

func formOf(b *umkm.Business) map[string]string {
	num := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	num64 := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	return map[string]string{"name": b.Name, "owner_name": b.OwnerName, "owner_phone": b.OwnerPhone, "nib": b.NIB, "products": b.Products,
		"kbli_section": b.KBLISection, "region_code": b.RegionCode, "village": b.Village, "address": b.Address,
		"year_started": num(b.YearStarted), "workers": num(b.Workers), "capital": num64(b.Capital), "annual_sales": num64(b.AnnualSales), "tags": b.Tags}
}

func (s *Server) editPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	b, ok := s.loadBusiness(w, r, u)
	if !ok {
		return
	}
	// The form holds the owner's phone in full, to change it: the view
	// is audited like the reveal (the NIK is not on the form).
	details := map[string]any{"reg_no": b.RegNo, "view": "edit", "fields": []string{"owner_phone"}}
	if err := s.audit(r.Context(), u, store.AuditDataView, "business", strconv.FormatInt(b.ID, 10), details); err != nil {
		s.serverError(w, r, u, err)
		return
	}
	s.renderEdit(w, r, u, b, formOf(b), b.Verified, nil, http.StatusOK)
}

func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, u store.StaffUser, b *umkm.Business, v map[string]string, verified bool, errs map[string]string, code int) {
	lang := langOf(w, r)
	d := editData{ID: b.ID, RegNo: b.RegNo, V: v, Errs: errs, Verified: verified}
	d.Action, d.Back = "/dashboard/businesses/"+strconv.FormatInt(b.ID, 10)+"/edit", "/dashboard/businesses/"+strconv.FormatInt(b.ID, 10)
	title := "biz.edit"
	if b.ID == 0 {
		d.Action, d.Back, d.RegNo, title = "/dashboard/businesses/new", "/dashboard/businesses", t(lang, "nav.directory"), "biz.new"
	}
	d.Kecamatan, _, d.Sectors, _, _ = s.options(lang)
	p := page{Data: d}
	if len(errs) > 0 {
		p.Error = t(lang, "biz.fix")
	}
	s.render(w, r, &u, code, "edit", title, p)
}

// edit saves the form with the chat's rules: the same parsers for money
// ("50 juta") and numbers, umkm.Business.Validate against the region, the
// size class recomputed, and store's UpdateBusiness, which writes the
// business.update audit entry with the old and new values.
func (s *Server) edit(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	b, ok := s.loadBusiness(w, r, u)
	if !ok {
		return
	}
	lang := langOf(w, r)
	now := s.opt.Now()
	nb, v, verified, errs := s.readBusinessForm(r, lang, *b, now)
	if len(errs) > 0 {
		s.renderEdit(w, r, u, b, v, verified, errs, http.StatusUnprocessableEntity)
		return
	}
	nb.Classify()
	changes, err := s.opt.Businesses.UpdateBusiness(r.Context(), &nb, store.ActorStaff(u.Username), now)
	var dup *umkm.DuplicateError
	if errors.As(err, &dup) {
		errs["nib"] = page{Lang: lang}.T("f.nib") + ": " + dup.Existing.RegNo
		s.renderEdit(w, r, u, b, v, verified, errs, http.StatusConflict)
		return
	}
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	ok2 := "biz.saved"
	if len(changes) == 0 {
		ok2 = "biz.nochange"
	}
	http.Redirect(w, r, "/dashboard/businesses/"+strconv.FormatInt(b.ID, 10)+"?ok="+ok2, http.StatusSeeOther)
}

// idnErr is the message of an idn.Error in lang, or the fallback.
func idnErr(err error, lang, id, en string) string {
	var ie *idn.Error
	if errors.As(err, &ie) {
		if lang == langEN {
			return ie.EN
		}
		return ie.ID
	}
	if lang == langEN {
		return en
	}
	return id
}

func (s *Server) contactRow(c contact.Contact, lang string) *contactInfo {
	account := idn.MaskID(c.ExternalID) // a Telegram id, a web chat session
	if c.Channel == "whatsapp" {
		account = idn.MaskPhone(c.ExternalID)
	}
	ci := &contactInfo{Channel: channelLabel(c.Channel), Name: c.DisplayName, Account: account,
		Phone: idn.MaskPhone(c.VerifiedPhone()), Stopped: c.Stopped, Blocked: c.Blocked}
	if !c.LastSeen.IsZero() {
		ci.LastSeen = c.LastSeen.In(s.location).Format("02-01-2006 15:04") + " WIB"
	}
	return ci
}

func channelLabel(ch string) string {
	switch ch {
	case "whatsapp":
		return "WhatsApp"
	case "telegram":
		return "Telegram"
	case "webchat":
		return "Web chat"
	}
	return ch
}

func purposeLabel(p, lang string) string {
	if l := t(lang, "purpose."+p); l != "" {
		return l
	}
	return p
}

func (s *Server) eventRow(inv store.MyInvitation, lang string) eventRow {
	now := s.opt.Now()
	e, i := inv.Event, inv.Invitation
	row := eventRow{Title: e.Title, When: e.StartsAt.In(s.location).Format("02-01-2006 15:04") + " WIB",
		Past: !e.EndsAt.After(now), Cancelled: e.Status == event.Cancelled, Answer: t(lang, "rsvp."+string(i.Status))}
	if row.Answer == "" {
		row.Answer = string(i.Status)
	}
	if i.Status == event.Going && i.PartySize > 1 {
		row.Answer += " · " + page{Lang: lang}.Tf("rsvp.party", i.PartySize)
	}
	if len(i.Needs) > 0 {
		row.Answer += " · " + t(lang, "rsvp.needs") + ": " + strings.Join(i.Needs, ", ")
	}
	if !i.AnsweredAt.IsZero() {
		row.Answered = i.AnsweredAt.In(s.location).Format("02-01-2006 15:04") + " WIB"
	}
	switch {
	case !i.CheckedInAt.IsZero():
		row.Attended = t(lang, "rsvp.came") + " " + i.CheckedInAt.In(s.location).Format("15:04") + " WIB"
	case row.Cancelled:
		row.Attended = t(lang, "rsvp.cancelled")
	case row.Past:
		row.Attended = t(lang, "rsvp.notcame")
	default:
		row.Attended = t(lang, "rsvp.upcoming")
	}
	return row
}

// readBusinessForm reads the edit (or new) form over base with the chat's
// rules: the same parsers for money ("50 juta") and numbers, and
// umkm.Business.Validate against the region. errs are by field.
func (s *Server) readBusinessForm(r *http.Request, lang string, base umkm.Business, now time.Time) (umkm.Business, map[string]string, bool, map[string]string) {
	v := map[string]string{}
	for _, f := range editFields {
		v[f] = idn.CleanText(strings.TrimSpace(r.PostFormValue(f)))
	}
	verified := r.PostFormValue("verified") == "on"
	errs := map[string]string{}
	nb := base
	nb.Name, nb.OwnerName, nb.OwnerPhone, nb.NIB, nb.Products = v["name"], v["owner_name"], v["owner_phone"], v["nib"], v["products"]
	nb.KBLISection, nb.RegionCode, nb.Village, nb.Address, nb.Tags = v["kbli_section"], v["region_code"], v["village"], v["address"], v["tags"]
	nb.Verified = verified
	if nb.KBLISection != base.KBLISection {
		nb.KBLICode, nb.KBLIVersion = "", "" // a new section drops the old code
	}
	intField := func(name string) *int {
		if v[name] == "" {
			return nil
		}
		f, err := idn.ParseNumber(v[name])
		if err != nil || f != float64(int(f)) {
			errs[name] = idnErr(err, lang, "Isi dengan angka, contoh: 3", "Write a number, for example: 3")
			return nil
		}
		n := int(f)
		return &n
	}
	moneyField := func(name string) *int64 {
		if v[name] == "" {
			return nil
		}
		m, err := idn.ParseMoney(v[name])
		if err != nil {
			errs[name] = idnErr(err, lang, "Isi dengan jumlah rupiah, contoh: 50 juta", "Write an amount in rupiah, for example: 50 juta")
			return nil
		}
		return &m
	}
	nb.YearStarted, nb.Workers = intField("year_started"), intField("workers")
	nb.Capital, nb.AnnualSales = moneyField("capital"), moneyField("annual_sales")
	if err := nb.Validate(s.opt.Data.Region, now); err != nil {
		var ve umkm.ValidationErrors
		if errors.As(err, &ve) {
			for _, fe := range ve {
				errs[fe.Field] = idnErr(fe.Err, lang, fe.Err.Error(), fe.Err.Error())
			}
		}
	}
	return nb, v, verified, errs
}

// newPage is the form for a business staff enter themselves (from a paper
// form or a visit): the edit form, empty.
func (s *Server) newPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	s.renderEdit(w, r, u, &umkm.Business{}, map[string]string{}, false, nil, http.StatusOK)
}

// create registers the form's business with the same rules as the edit
// and the chat, source "dashboard", its registration number from the
// region's counter and its business.create audit entry in one
// transaction (store's RegisterBusiness).
func (s *Server) create(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	now := s.opt.Now()
	empty := &umkm.Business{}
	nb, v, verified, errs := s.readBusinessForm(r, lang, umkm.Business{Source: umkm.SourceDashboard}, now)
	if len(errs) > 0 {
		s.renderEdit(w, r, u, empty, v, verified, errs, http.StatusUnprocessableEntity)
		return
	}
	nb.Classify()
	err := s.opt.Businesses.RegisterBusiness(r.Context(), &nb, s.opt.Data.Region.Prefix, store.ActorStaff(u.Username), now)
	var dup *umkm.DuplicateError
	if errors.As(err, &dup) {
		field := "owner_phone"
		if dup.By == "nib" {
			field = "nib"
		}
		errs[field] = t(lang, "biz.duplicate") + " " + dup.Existing.RegNo
		s.renderEdit(w, r, u, empty, v, verified, errs, http.StatusConflict)
		return
	}
	if err != nil {
		s.serverError(w, r, u, err)
		return
	}
	http.Redirect(w, r, "/dashboard/businesses/"+strconv.FormatInt(nb.ID, 10)+"?ok=biz.created", http.StatusSeeOther)
}
