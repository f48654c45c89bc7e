package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type userResponse struct {
	ID            string    `json:"id"`
	Email         string    `json:"email"`
	Role          string    `json:"role" enums:"admin,staff,partner,analyst"`
	InstitutionID string    `json:"institution_id,omitempty"`
	Disabled      bool      `json:"disabled"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func newUserResponse(u transfer.User) userResponse {
	return userResponse{ID: u.ID, Email: u.Email, Role: string(u.Role), InstitutionID: u.InstitutionID,
		Disabled: u.Disabled, Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

type createUserRequest struct {
	Email         string `json:"email" example:"partner@gxu.edu.cn"`
	Password      string `json:"password" minLength:"12" maxLength:"128"`
	Role          string `json:"role" enums:"admin,staff,partner,analyst"`
	InstitutionID string `json:"institution_id,omitempty"`
}

type updateUserRequest struct {
	Role          *string `json:"role,omitempty" enums:"admin,staff,partner,analyst"`
	Disabled      *bool   `json:"disabled,omitempty"`
	InstitutionID *string `json:"institution_id,omitempty"`
}

type userList = listResponse[userResponse]

// createUser godoc
//
//	@Summary		Create a user
//	@Description	Admins only. Partners must name their institution; other roles must not.
//	@ID			createUser
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Param			Idempotency-Key	header		string	false	"makes a retried create return the first response instead of creating again"
//	@Param			body	body		createUserRequest	true	"the new user"
//	@Success		201		{object}	userResponse
//	@Header			201		{string}	Location	"URL of the new user"
//	@Header			201		{string}	ETag		"version"
//	@Failure		400		{object}	problem
//	@Failure		401		{object}	problem
//	@Failure		403		{object}	problem
//	@Failure		409		{object}	problem	"email taken"
//	@Failure		422		{object}	problem
//	@Security		BearerAuth
//	@Router			/users [post]
func (s *Server) createUser(c echo.Context) error {
	var req createUserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.accounts.CreateUser(c.Request().Context(), actorOf(c), transfer.NewUser{
		Email: req.Email, Password: req.Password, Role: transfer.Role(req.Role), InstitutionID: req.InstitutionID})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/users/"+u.ID)
	return writeVersioned(c, http.StatusCreated, u.Version, newUserResponse(u))
}

// listUsers godoc
//
//	@Summary	List users
//	@Description	Admin only. User accounts with their role, institution and whether they are disabled, filtered by role or institution.
//	@ID			listUsers
//	@Tags		users
//	@Produce	json
//	@Param		role			query		string	false	"filter by role"	Enums(admin,staff,partner,analyst)
//	@Param		institution_id	query		string	false	"filter by institution"
//	@Param		sort			query		string	false	"created_at or email, '-' prefix for descending"	default(created_at)
//	@Param		limit			query		int		false	"page size (max 100)"	default(20)
//	@Param		cursor			query		string	false	"next_cursor of the previous page"
//	@Success	200				{object}	userList
//	@Failure	400				{object}	problem
//	@Failure	401				{object}	problem
//	@Failure	403				{object}	problem
//	@Failure	422				{object}	problem
//	@Security	BearerAuth
//	@Router		/users [get]
func (s *Server) listUsers(c echo.Context) error {
	q := newQuery(c)
	f := transfer.UserFilter{Role: transfer.Role(q.string("role")), InstitutionID: q.string("institution_id")}
	pr := q.page()
	p, err := s.accounts.ListUsers(c.Request().Context(), actorOf(c), f, pr)
	if err := q.merge(err); err != nil {
		return err
	}
	return writeList(c, p, newUserResponse)
}

// getUser godoc
//
//	@Summary	Get a user
//	@Description	Admin only. One user account.
//	@ID			getUser
//	@Tags		users
//	@Produce	json
//	@Param		id	path		string	true	"user id"
//	@Success	200	{object}	userResponse
//	@Header		200	{string}	ETag	"version"
//	@Failure	401	{object}	problem
//	@Failure	403	{object}	problem
//	@Failure	404	{object}	problem
//	@Security	BearerAuth
//	@Router		/users/{id} [get]
func (s *Server) getUser(c echo.Context) error {
	u, err := s.accounts.User(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, u.Version, newUserResponse(u))
}

// updateUser godoc
//
//	@Summary		Change a user's role, institution or disabled flag
//	@Description	Admins only. Disabling a user, or changing its role or institution, revokes its refresh tokens and, within a second on every API process, its access tokens. The caller is read again from the database, so an admin disabled or demoted a moment ago is refused at once. Send If-Match with the ETag to avoid overwriting someone else's change (412 when stale).
//	@ID			updateUser
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Param			id			path		string				true	"user id"
//	@Param			If-Match	header		string				false	"ETag of the version you changed"
//	@Param			body		body		updateUserRequest	true	"fields to change"
//	@Success		200			{object}	userResponse
//	@Failure		400			{object}	problem
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		404			{object}	problem
//	@Failure		412			{object}	problem
//	@Failure		422			{object}	problem
//	@Security		BearerAuth
//	@Router			/users/{id} [patch]
func (s *Server) updateUser(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req updateUserRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	patch := transfer.UserPatch{Disabled: req.Disabled, InstitutionID: req.InstitutionID}
	if req.Role != nil {
		r := transfer.Role(*req.Role)
		patch.Role = &r
	}
	u, err := s.accounts.UpdateUser(c.Request().Context(), actorOf(c), c.Param("id"), version, patch)
	if err != nil {
		return err
	}
	return writeVersioned(c, http.StatusOK, u.Version, newUserResponse(u))
}

// unlockUser godoc
//
//	@Summary		Clear a user's failed-login counts
//	@Description	Admins only. Forgets every login and password-change attempt counted against the account, from every address, so that an owner locked out by someone else's guesses can log in at once.
//	@ID				unlockUser
//	@Tags			users
//	@Produce		json
//	@Param			id				path	string	true	"user id"
//	@Param			Idempotency-Key	header	string	false	"makes a retry return the first response"
//	@Success		204
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Failure		404	{object}	problem
//	@Security		BearerAuth
//	@Router			/users/{id}/unlock [post]
func (s *Server) unlockUser(c echo.Context) error {
	if err := s.accounts.UnlockUser(c.Request().Context(), actorOf(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
