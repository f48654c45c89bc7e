package transfer

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	htmltemplate "html/template"
	mrand "math/rand/v2"
	"net/url"
	"strings"
	"text/template"
	"time"
)

// E-mail modes a person may choose.
const (
	MailInstant = "instant"
	MailDaily   = "daily"
	MailWeekly  = "weekly"
	MailNone    = "none"
)

// MailModes and MailLanguages are the allowed settings.
var (
	MailModes     = []string{MailInstant, MailDaily, MailWeekly, MailNone}
	MailLanguages = []string{"en", "zh-Hans"}
)

// NotificationSettings is how a person wants to hear of notifications by
// e-mail. A person who never chose gets DefaultNotificationSettings.
type NotificationSettings struct {
	UserID    string
	EmailMode string
	Language  string
	Version   int
	UpdatedAt time.Time
}

// DefaultNotificationSettings: a daily digest in English.
func DefaultNotificationSettings(userID string) NotificationSettings {
	return NotificationSettings{UserID: userID, EmailMode: MailDaily, Language: "en"}
}

// Mail is one message in the mail outbox. MessageID is its idempotency
// key: one per notification (instant) or per person and period (digest),
// unique in the outbox, and the Message-ID header, so that a resend after a
// crash carries the same id and receivers can fold it.
type Mail struct {
	ID             string
	MessageID      string
	UserID         string
	To             string
	Subject        string
	Text           string
	HTML           string
	UnsubscribeURL string
	Status         string // pending, sent, failed
	Attempts       int
	NextAttemptAt  *time.Time
	LastError      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	SentAt         *time.Time
}

// MailError is what a Mailer returns; Permanent errors (SMTP 5xx) are not retried.
type MailError struct {
	Err       error
	Permanent bool
}

func (e *MailError) Error() string { return e.Err.Error() }
func (e *MailError) Unwrap() error { return e.Err }

// Mailer sends one message (internal/mail speaks SMTP).
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// mailRetryDelays: about a day of retries in all, like webhooks.
var mailRetryDelays = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour,
	2 * time.Hour, 4 * time.Hour, 8 * time.Hour}

// MaxMailAttempts is how often a message is tried before it fails for good.
var MaxMailAttempts = len(mailRetryDelays) + 1

const (
	mailLease = time.Minute
	mailBatch = 2 // each send may take the 20 s SMTP timeout: two fit the lease with room to spare
)

// NotificationSettingsOf returns the caller's e-mail settings.
func (s *Service) NotificationSettingsOf(ctx context.Context, a Actor) (NotificationSettings, error) {
	if !a.Authenticated() {
		return NotificationSettings{}, ErrUnauthenticated
	}
	if a.Kind == ActorClient {
		return NotificationSettings{}, Errorf(ErrForbidden, "machine clients receive no e-mail")
	}
	return s.settingsOf(ctx, s.db(ctx), a.ID)
}

func (s *Service) settingsOf(ctx context.Context, st MailStore, userID string) (NotificationSettings, error) {
	ns, err := st.NotificationSettings(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return DefaultNotificationSettings(userID), nil
	}
	return ns, err
}

// NotificationSettingsPatch changes e-mail settings; nil fields stay.
type NotificationSettingsPatch struct {
	EmailMode, Language *string
}

// IfMatchUnsaved is the If-Match of settings never saved (ETag "0").
const IfMatchUnsaved = -1

// UpdateNotificationSettings changes the caller's e-mail settings; a
// change to nothing writes nothing.
func (s *Service) UpdateNotificationSettings(ctx context.Context, a Actor, ifMatch int, patch NotificationSettingsPatch) (NotificationSettings, error) {
	ns, err := s.NotificationSettingsOf(ctx, a)
	if err != nil {
		return ns, err
	}
	if ifMatch == IfMatchUnsaved && ns.Version != 0 {
		return ns, Errorf(ErrPrecondition, "notification settings are at version %d, not 0", ns.Version)
	}
	if ifMatch > 0 && ifMatch != ns.Version {
		return ns, Errorf(ErrPrecondition, "notification settings are at version %d, not %d", ns.Version, ifMatch)
	}
	loaded := ns
	set(&ns.EmailMode, patch.EmailMode)
	set(&ns.Language, patch.Language)
	var p Problems
	if !containsString(MailModes, ns.EmailMode) {
		p.Add("email_mode", "must be one of %s", strings.Join(MailModes, ", "))
	}
	if !containsString(MailLanguages, ns.Language) {
		p.Add("language", "must be one of %s", strings.Join(MailLanguages, ", "))
	}
	if err := p.Err(); err != nil {
		return ns, err
	}
	if ns.EmailMode == loaded.EmailMode && ns.Language == loaded.Language {
		return ns, nil // nothing changes: no new version
	}
	ns.Version++
	ns.UpdatedAt = s.now()
	err = s.write(ctx, a, func(u *unit) error { return u.SaveNotificationSettings(ctx, ns) })
	return ns, err
}

func containsString(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// MailEnabled reports whether the service sends e-mail.
func (s *Service) MailEnabled() bool { return s.mailer != nil }

// mailInstant queues the e-mail of a notification for a person who wants
// every one at once, in the notification's transaction.
func (s *Service) mailInstant(u *unit, n Notification) error {
	if s.mailer == nil {
		return nil
	}
	usr, err := u.UserByID(u.ctx, n.RecipientID)
	if errors.Is(err, ErrNotFound) {
		return nil // a machine client
	}
	if err != nil {
		return err
	}
	ns, err := s.settingsOf(u.ctx, u.Store, usr.ID)
	if err != nil || ns.EmailMode != MailInstant || usr.Disabled {
		return err
	}
	m := s.renderMail(usr, ns.Language, []Notification{n}, n.ID+"@techbridge", u.now)
	if _, err := u.EnqueueMail(u.ctx, m); err != nil {
		return err
	}
	if err := u.MarkNotificationsMailed(u.ctx, []string{n.ID}, u.now); err != nil {
		return err
	}
	u.mailQueued = true
	return nil
}

// UnsubscribeToken is the signed token of a one-click unsubscribe link: it
// names the person and needs no login.
func (s *Service) UnsubscribeToken(userID string) string {
	mac := hmac.New(sha256.New, s.mailKey)
	mac.Write([]byte("unsubscribe\x00" + userID))
	return base64.RawURLEncoding.EncodeToString([]byte(userID)) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18])
}

// CheckUnsubscribeToken returns the person an unsubscribe token names, or
// a 422 problem for a forged or altered one.
func (s *Service) CheckUnsubscribeToken(token string) (string, error) {
	bad := Problems{{Field: "token", Message: "is not a valid unsubscribe token"}}.Err()
	idPart, _, ok := strings.Cut(token, ".")
	if !ok || len(token) > 200 {
		return "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(idPart)
	if err != nil || !ValidID(string(raw)) {
		return "", bad
	}
	userID := string(raw)
	if !hmac.Equal([]byte(s.UnsubscribeToken(userID)), []byte(token)) {
		return "", bad
	}
	return userID, nil
}

// Unsubscribe turns e-mail off for the person the token names (RFC 8058
// one-click: no login, the token is the authority).
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	userID, err := s.CheckUnsubscribeToken(token)
	if err != nil {
		return err
	}
	return s.write(ctx, systemActor, func(u *unit) error {
		ns, err := s.settingsOf(ctx, u.Store, userID)
		if err != nil {
			return err
		}
		if ns.EmailMode == MailNone {
			return nil
		}
		ns.EmailMode, ns.Version, ns.UpdatedAt = MailNone, ns.Version+1, u.now
		return u.SaveNotificationSettings(ctx, ns)
	})
}

// DeliverMail makes one pass over the mail outbox: it claims due messages
// under a lease (other processes keep off them), sends them and records
// the outcome. A process killed mid-send leaves the lease to run out; the
// message is sent again with the same Message-ID.
func (s *Service) DeliverMail(ctx context.Context) (int, error) {
	if s.mailer == nil {
		return 0, nil
	}
	now := s.now()
	claimed, err := s.db(ctx).ClaimMail(ctx, now, now.Add(mailLease), mailBatch)
	if err != nil {
		return 0, fmt.Errorf("claim mail: %w", err)
	}
	for _, m := range claimed {
		err := s.mailer.Send(ctx, m)
		at := s.now()
		m.Attempts++
		m.UpdatedAt = at
		var me *MailError
		switch {
		case err == nil:
			m.Status, m.NextAttemptAt, m.SentAt, m.LastError = "sent", nil, &at, ""
		case errors.As(err, &me) && me.Permanent, m.Attempts >= MaxMailAttempts:
			m.Status, m.NextAttemptAt, m.LastError = "failed", nil, err.Error()
		default:
			d := mailRetryDelays[min(m.Attempts, len(mailRetryDelays))-1]
			next := at.Add(time.Duration(float64(d) * (0.8 + 0.4*jitter())))
			m.NextAttemptAt, m.LastError = &next, err.Error()
		}
		if err := s.db(ctx).FinishMail(ctx, m); err != nil {
			return len(claimed), fmt.Errorf("record mail %s: %w", m.ID, err)
		}
	}
	return len(claimed), nil
}

// MailFilter narrows the staff's view of the outbox.
type MailFilter struct {
	Status string
}

// MailDeliveries lists the outbox for staff, newest first: what failed and
// what waits for a retry, with the last error.
func (s *Service) MailDeliveries(ctx context.Context, a Actor, f MailFilter, r PageRequest) (Page[Mail], error) {
	if !a.Authenticated() {
		return Page[Mail]{}, ErrUnauthenticated
	}
	if !a.IsStaff() {
		return Page[Mail]{}, Errorf(ErrForbidden, "the mail outbox is for staff")
	}
	if f.Status != "" && f.Status != "pending" && f.Status != "sent" && f.Status != "failed" {
		return Page[Mail]{}, Problems{{Field: "status", Message: "must be pending, sent or failed"}}.Err()
	}
	q, err := r.query([]string{"created_at"}, "-created_at")
	if err != nil {
		return Page[Mail]{}, err
	}
	items, total, err := s.db(ctx).ListMail(ctx, f, q)
	if err != nil {
		return Page[Mail]{}, fmt.Errorf("list mail: %w", err)
	}
	for i := range items {
		items[i].Text, items[i].HTML = "", "" // the staff see the envelope and the error, not the letter
	}
	return makePage(items, total, q, func(m Mail) (string, string) { return "", m.ID }), nil
}

// SendDigests assembles the daily and weekly digests that are due: for
// each person whose mode is daily (weekly), the notifications not yet
// mailed that were raised before the start of today (of this week, Monday,
// UTC) go into one message, keyed by person and period, so that two
// processes or a second pass write it once.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	if s.mailer == nil {
		return 0, nil
	}
	now := s.now()
	day := now.Truncate(24 * time.Hour)
	week := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	sent := 0
	for _, p := range []struct {
		mode   string
		before time.Time
		period string
	}{{MailDaily, day, "d" + day.Format("20060102")}, {MailWeekly, week, "w" + week.Format("20060102")}} {
		users, err := s.db(ctx).UsersWithUnmailed(ctx, p.mode, p.before, 200)
		if err != nil {
			return sent, fmt.Errorf("digest recipients: %w", err)
		}
		for _, uid := range users {
			err := s.write(ctx, systemActor, func(u *unit) error {
				usr, err := u.UserByID(ctx, uid)
				if err != nil {
					return err
				}
				ns, err := s.settingsOf(ctx, u.Store, uid)
				if err != nil || ns.EmailMode != p.mode {
					return err
				}
				notes, err := u.UnmailedNotifications(ctx, uid, p.before, 200)
				if err != nil || len(notes) == 0 {
					return err
				}
				ids := make([]string, len(notes))
				for i, n := range notes {
					ids[i] = n.ID
				}
				if err := u.MarkNotificationsMailed(ctx, ids, u.now); err != nil {
					return err
				}
				if usr.Disabled {
					return nil
				}
				m := s.renderMail(usr, ns.Language, notes, "digest-"+p.period+"-"+uid+"@techbridge", u.now)
				if _, err := u.EnqueueMail(ctx, m); err != nil {
					return err
				}
				u.mailQueued = true
				sent++
				return nil
			})
			if err != nil {
				return sent, fmt.Errorf("digest for %s: %w", uid, err)
			}
		}
	}
	return sent, nil
}

// MailWake signals when this process queued e-mail.
func (s *Service) MailWake() <-chan struct{} { return s.mailWake }

func (s *Service) wakeMail() {
	select {
	case s.mailWake <- struct{}{}:
	default:
	}
}

// The letters: one template per language, plain text and HTML.

type mailTexts struct {
	SubjectOne, SubjectMany, Intro, Open, Footer, Unsubscribe string
	Types                                                     map[string]string
}

var mailLanguage = map[string]mailTexts{
	"en": {SubjectOne: "techbridge: %s", SubjectMany: "techbridge: %d new notifications",
		Intro: "Here is what happened on techbridge:", Open: "Open",
		Footer:      "You receive this because of your e-mail settings on techbridge.",
		Unsubscribe: "Unsubscribe from these e-mails",
		Types: map[string]string{NoteAlertMatched: "New listing for your saved search", NoteListingPublished: "Listing published",
			NoteListingRejected: "Listing rejected", NoteListingSubmitted: "Listing waiting for review",
			NoteMatchIntroduced: "Match introduced", NoteInterestExpressed: "Interest expressed",
			NoteAgreementRecorded: "Agreement recorded", NoteMeetingScheduled: "Meeting scheduled",
			NoteMeetingChanged: "Meeting changed", NoteMeetingCancelled: "Meeting cancelled"}},
	"zh-Hans": {SubjectOne: "techbridge：%s", SubjectMany: "techbridge：%d 条新通知",
		Intro: "以下是 techbridge 上的最新动态：", Open: "查看",
		Footer:      "您收到此邮件是因为您在 techbridge 上的邮件设置。",
		Unsubscribe: "退订这些邮件",
		Types: map[string]string{NoteAlertMatched: "您的已保存搜索有新的匹配", NoteListingPublished: "发布已通过",
			NoteListingRejected: "发布被退回", NoteListingSubmitted: "有待审核的发布",
			NoteMatchIntroduced: "匹配已引荐", NoteInterestExpressed: "对方表示有意向",
			NoteAgreementRecorded: "合作协议已登记", NoteMeetingScheduled: "洽谈会面已安排",
			NoteMeetingChanged: "洽谈会面有变更", NoteMeetingCancelled: "洽谈会面已取消"}},
}

type mailItem struct{ Kind, Title, Body, Link string }

type mailView struct {
	T           mailTexts
	Items       []mailItem
	Unsubscribe string
}

var textLetter = template.Must(template.New("text").Parse(`{{.T.Intro}}
{{range .Items}}
* {{.Kind}}: {{.Title}}{{if .Body}}
  {{.Body}}{{end}}{{if .Link}}
  {{.Link}}{{end}}
{{end}}
--
{{.T.Footer}}
{{.T.Unsubscribe}}: {{.Unsubscribe}}
`))

var htmlLetter = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html><body>
<p>{{.T.Intro}}</p>
<ul>{{range .Items}}
<li><strong>{{.Kind}}</strong>: {{.Title}}{{if .Body}}<br>{{.Body}}{{end}}{{if .Link}}<br><a href="{{.Link}}">{{$.T.Open}}</a>{{end}}</li>{{end}}
</ul>
<hr>
<p><small>{{.T.Footer}} <a href="{{.Unsubscribe}}">{{.T.Unsubscribe}}</a></small></p>
</body></html>
`))

// renderMail writes the letter for one or more notifications.
func (s *Service) renderMail(usr User, lang string, notes []Notification, messageID string, now time.Time) Mail {
	t, ok := mailLanguage[lang]
	if !ok {
		t = mailLanguage["en"]
	}
	// The List-Unsubscribe header names the one-click POST; the letter's
	// link opens the same address in a browser, a page whose button POSTs.
	unsub := s.publicURL + "/api/v1/unsubscribe?token=" + url.QueryEscape(s.UnsubscribeToken(usr.ID))
	v := mailView{T: t, Unsubscribe: unsub}
	for _, n := range notes {
		title := n.Title
		if tr, ok := n.Data["title_"+primaryLanguage(lang)].(string); ok && tr != "" {
			title = tr // the listing's translation in the reader's language
		}
		// Values from older rows may still hold line breaks: one line each,
		// so that none forges a line of the letter.
		it := mailItem{Kind: t.Types[n.Type], Title: flatLine(title), Body: flatLine(n.Body)}
		if it.Kind == "" {
			it.Kind = n.Type
		}
		if id, ok := n.Data["listing_id"].(string); ok {
			kind, _ := n.Data["kind"].(Kind)
			if ks, ok := n.Data["kind"].(string); ok {
				kind = Kind(ks)
			}
			if kind != "" {
				it.Link = s.publicURL + "/console/#/" + string(kind) + "s/" + url.PathEscape(id)
			}
		}
		v.Items = append(v.Items, it)
	}
	subject := fmt.Sprintf(t.SubjectMany, len(notes))
	if len(notes) == 1 {
		subject = fmt.Sprintf(t.SubjectOne, oneLine(v.Items[0].Kind+": "+v.Items[0].Title))
	}
	var text, html bytes.Buffer
	_ = textLetter.Execute(&text, v)
	_ = htmlLetter.Execute(&html, v)
	return Mail{ID: newID(), MessageID: messageID, UserID: usr.ID, To: usr.Email, Subject: subject, Text: text.String(),
		HTML: html.String(), UnsubscribeURL: unsub, Status: "pending", NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now}
}

// oneLine keeps a subject on one line and short.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 150 {
		s = string(r[:150]) + "…"
	}
	return s
}

// flatLine replaces every run of control characters and line separators
// with one space.
func flatLine(s string) string {
	if !strings.ContainsFunc(s, badLineRune) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, badLineRune), " ")
}

// primaryLanguage is the primary subtag of a language tag (zh of zh-Hans).
func primaryLanguage(tag string) string {
	p, _, _ := strings.Cut(tag, "-")
	return strings.ToLower(p)
}

func jitter() float64 { return mrand.Float64() }
