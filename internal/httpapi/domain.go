package httpapi

import (
	"context"

	"github.com/techbridge/techbridge/internal/transfer"
)

// What each group of handlers needs from the domain: the narrowest view of
// the use cases that serves it, so that a handler's dependencies show in
// its receiver's field and a test can give it exactly that. NewServer hands
// every field the same *transfer.Service.
type (
	// accounts serves sign-in, tokens, the caller's own record and users.
	accounts interface {
		Login(ctx context.Context, email, password, clientIP string) (transfer.Tokens, error)
		Refresh(ctx context.Context, refreshToken string) (transfer.Tokens, error)
		Logout(ctx context.Context, refreshToken string) error
		ClientCredentials(ctx context.Context, clientID, secret, clientIP string) (transfer.Tokens, transfer.Client, error)
		Me(ctx context.Context, a transfer.Actor) (transfer.Principal, error)
		ChangePassword(ctx context.Context, a transfer.Actor, current, next string) error
		CreateUser(ctx context.Context, a transfer.Actor, in transfer.NewUser) (transfer.User, error)
		User(ctx context.Context, a transfer.Actor, id string) (transfer.User, error)
		ListUsers(ctx context.Context, a transfer.Actor, f transfer.UserFilter, r transfer.PageRequest) (transfer.Page[transfer.User], error)
		UpdateUser(ctx context.Context, a transfer.Actor, id string, ifMatch int, patch transfer.UserPatch) (transfer.User, error)
		UnlockUser(ctx context.Context, a transfer.Actor, id string) error
		// CheckToken refuses an access token issued before its holder was
		// disabled, demoted or revoked.
		CheckToken(ctx context.Context, a transfer.Actor) error
	}

	// institutions serves institutions and their machine clients.
	institutions interface {
		CreateInstitution(ctx context.Context, a transfer.Actor, in transfer.Institution) (transfer.Institution, error)
		Institution(ctx context.Context, a transfer.Actor, id string) (transfer.Institution, error)
		ListInstitutions(ctx context.Context, a transfer.Actor, f transfer.InstitutionFilter, r transfer.PageRequest) (transfer.Page[transfer.Institution], error)
		UpdateInstitution(ctx context.Context, a transfer.Actor, id string, ifMatch int, patch transfer.InstitutionPatch) (transfer.Institution, error)
		CreateClient(ctx context.Context, a transfer.Actor, institutionID, name string) (transfer.Client, string, error)
		Clients(ctx context.Context, a transfer.Actor, institutionID string) ([]transfer.Client, error)
		RevokeClient(ctx context.Context, a transfer.Actor, institutionID, clientID string) error
	}

	// listings serves offers and demands, their moves, history and imports.
	listings interface {
		CreateListing(ctx context.Context, a transfer.Actor, kind transfer.Kind, in transfer.ListingInput) (transfer.Listing, error)
		Listing(ctx context.Context, a transfer.Actor, kind transfer.Kind, id string) (transfer.Listing, error)
		ListListings(ctx context.Context, a transfer.Actor, f transfer.ListingFilter, r transfer.PageRequest) (transfer.Page[transfer.Listing], error)
		UpdateListing(ctx context.Context, a transfer.Actor, kind transfer.Kind, id string, ifMatch int, patch transfer.ListingPatch) (transfer.Listing, error)
		MoveListing(ctx context.Context, a transfer.Actor, kind transfer.Kind, id string, move transfer.Move, ifMatch int, reason string) (transfer.Listing, error)
		ListingHistory(ctx context.Context, a transfer.Actor, kind transfer.Kind, id string) ([]transfer.AuditEvent, error)
		ImportListings(ctx context.Context, a transfer.Actor, kind transfer.Kind, rows []transfer.ListingInput, opt transfer.ImportOptions) ([]transfer.ImportResult, error)
	}

	// matching serves suggestions and match records.
	matching interface {
		MatchingVersion() string
		SuggestMatches(ctx context.Context, a transfer.Actor, kind transfer.Kind, id string, q transfer.MatchQuery) ([]transfer.Suggestion, error)
		CreateMatch(ctx context.Context, a transfer.Actor, demandID, offerID string) (transfer.Match, error)
		Match(ctx context.Context, a transfer.Actor, id string) (transfer.Match, error)
		ListMatches(ctx context.Context, a transfer.Actor, f transfer.MatchFilter, r transfer.PageRequest) (transfer.Page[transfer.Match], error)
		MoveMatch(ctx context.Context, a transfer.Actor, id string, ifMatch int, to transfer.MatchStatus, reason string) (transfer.Match, error)
		RecordInterest(ctx context.Context, a transfer.Actor, id string, side string, interested bool, note string) (transfer.Match, error)
		MatchHistory(ctx context.Context, a transfer.Actor, id string) ([]transfer.AuditEvent, error)
	}

	// agreements serves agreements and the statistics over them.
	agreements interface {
		CreateAgreement(ctx context.Context, a transfer.Actor, g transfer.Agreement) (transfer.Agreement, error)
		Agreement(ctx context.Context, a transfer.Actor, id string) (transfer.Agreement, error)
		ListAgreements(ctx context.Context, a transfer.Actor, f transfer.AgreementFilter, r transfer.PageRequest) (transfer.Page[transfer.Agreement], error)
		UpdateAgreement(ctx context.Context, a transfer.Actor, id string, ifMatch int, patch transfer.AgreementPatch) (transfer.Agreement, error)
		AgreementHistory(ctx context.Context, a transfer.Actor, id string) ([]transfer.AuditEvent, error)
		AgreementStats(ctx context.Context, a transfer.Actor, q transfer.StatsQuery) (transfer.StatsResult, error)
		Overview(ctx context.Context, a transfer.Actor) (transfer.Overview, error)
	}

	// webhooks serves partners' endpoints and their deliveries.
	webhooks interface {
		CreateEndpoint(ctx context.Context, a transfer.Actor, e transfer.Endpoint) (transfer.Endpoint, error)
		Endpoint(ctx context.Context, a transfer.Actor, id string) (transfer.Endpoint, error)
		Endpoints(ctx context.Context, a transfer.Actor, institutionID string) ([]transfer.Endpoint, error)
		UpdateEndpoint(ctx context.Context, a transfer.Actor, id string, ifMatch int, patch transfer.EndpointPatch) (transfer.Endpoint, error)
		DeleteEndpoint(ctx context.Context, a transfer.Actor, id string) error
		RotateSecret(ctx context.Context, a transfer.Actor, id string) (transfer.Endpoint, error)
		TestEndpoint(ctx context.Context, a transfer.Actor, id string) (transfer.Delivery, error)
		Deliveries(ctx context.Context, a transfer.Actor, endpointID string, r transfer.PageRequest) (transfer.Page[transfer.Delivery], error)
		Redeliver(ctx context.Context, a transfer.Actor, endpointID, deliveryID string) (transfer.Delivery, error)
	}

	// events serves matchmaking events, their delegations, requests, agenda and outcomes.
	events interface {
		CreateEvent(ctx context.Context, a transfer.Actor, e transfer.Event) (transfer.Event, error)
		Event(ctx context.Context, a transfer.Actor, id string) (transfer.Event, error)
		ListEvents(ctx context.Context, a transfer.Actor, f transfer.EventFilter, r transfer.PageRequest) (transfer.Page[transfer.Event], error)
		UpdateEvent(ctx context.Context, a transfer.Actor, id string, ifMatch int, patch transfer.EventPatch) (transfer.Event, error)
		Register(ctx context.Context, a transfer.Actor, eventID string, r transfer.Registration) (transfer.Registration, error)
		Registrations(ctx context.Context, a transfer.Actor, eventID string, r transfer.PageRequest) (transfer.Page[transfer.Registration], error)
		Registration(ctx context.Context, a transfer.Actor, eventID, id string) (transfer.Registration, error)
		MeetingRequest(ctx context.Context, a transfer.Actor, eventID, id string) (transfer.MeetingRequest, error)
		UpdateRegistration(ctx context.Context, a transfer.Actor, eventID, id string, ifMatch int, patch transfer.RegistrationPatch) (transfer.Registration, error)
		WithdrawRegistration(ctx context.Context, a transfer.Actor, eventID, id string) (transfer.Registration, error)
		RequestMeeting(ctx context.Context, a transfer.Actor, eventID string, req transfer.MeetingRequest) (transfer.MeetingRequest, error)
		MeetingRequests(ctx context.Context, a transfer.Actor, eventID string, r transfer.PageRequest) (transfer.Page[transfer.MeetingRequest], error)
		AnswerMeetingRequest(ctx context.Context, a transfer.Actor, eventID, id string, accept bool, note string) (transfer.MeetingRequest, error)
		Schedule(ctx context.Context, a transfer.Actor, eventID string, opt transfer.ScheduleOptions) (transfer.ScheduleResult, error)
		Meetings(ctx context.Context, a transfer.Actor, eventID string, f transfer.MeetingFilter) (transfer.Event, []transfer.Meeting, error)
		Meeting(ctx context.Context, a transfer.Actor, eventID, id string) (transfer.Meeting, error)
		PinMeeting(ctx context.Context, a transfer.Actor, eventID, regA, regB string, at transfer.MeetingPlace) (transfer.Meeting, error)
		ChangeMeeting(ctx context.Context, a transfer.Actor, eventID, id string, ifMatch int, ch transfer.MeetingChange) (transfer.Meeting, error)
		RecordOutcome(ctx context.Context, a transfer.Actor, eventID, id string, o transfer.Outcome) (transfer.Meeting, error)
		Agenda(ctx context.Context, a transfer.Actor, eventID, regID string) (transfer.Agenda, error)
		EventStats(ctx context.Context, a transfer.Actor, eventID string) (transfer.EventStats, error)
		Suggestions(ctx context.Context, a transfer.Actor, eventID, regID string) ([]transfer.MeetingSuggestion, error)
	}
	// alerts serves saved searches, notifications and e-mail settings.
	alerts interface {
		CreateSavedSearch(ctx context.Context, a transfer.Actor, in transfer.SavedSearchInput) (transfer.SavedSearch, error)
		SavedSearch(ctx context.Context, a transfer.Actor, id string) (transfer.SavedSearch, error)
		ListSavedSearches(ctx context.Context, a transfer.Actor, f transfer.SavedSearchFilter, r transfer.PageRequest) (transfer.Page[transfer.SavedSearch], error)
		UpdateSavedSearch(ctx context.Context, a transfer.Actor, id string, ifMatch int, patch transfer.SavedSearchPatch) (transfer.SavedSearch, error)
		DeleteSavedSearch(ctx context.Context, a transfer.Actor, id string, ifMatch int) error
		Notifications(ctx context.Context, a transfer.Actor, f transfer.NotificationFilter, r transfer.PageRequest) (transfer.Page[transfer.Notification], error)
		UnreadNotifications(ctx context.Context, a transfer.Actor) (int64, error)
		MarkNotificationRead(ctx context.Context, a transfer.Actor, id string) (transfer.Notification, error)
		MarkAllNotificationsRead(ctx context.Context, a transfer.Actor) (int64, error)
		NotificationSettingsOf(ctx context.Context, a transfer.Actor) (transfer.NotificationSettings, error)
		UpdateNotificationSettings(ctx context.Context, a transfer.Actor, ifMatch int, patch transfer.NotificationSettingsPatch) (transfer.NotificationSettings, error)
		MailEnabled() bool
		Unsubscribe(ctx context.Context, token string) error
		CheckUnsubscribeToken(token string) (string, error)
		MailDeliveries(ctx context.Context, a transfer.Actor, f transfer.MailFilter, r transfer.PageRequest) (transfer.Page[transfer.Mail], error)
	}

	// replays keeps the answers of idempotent requests (the idempotent middleware).
	replays interface {
		Idempotent(ctx context.Context, a transfer.Actor, key, fingerprint string, run func(ctx context.Context) transfer.StoredResponse) (resp transfer.StoredResponse, replayed bool, err error)
	}

	// readiness says whether the database answers (/readyz).
	readiness interface {
		Ready(ctx context.Context) error
	}
)
