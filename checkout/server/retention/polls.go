package retention

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/storefront/storefront/checkout/poll"
	"github.com/storefront/storefront/checkout/server/web"
	"github.com/storefront/storefront/checkout/usecase"
)

// Polls (docs/retention.md): the poll shortcode renders a form that posts
// to /api/polls/{id}/vote (a plain form: 303 back to the page; with
// JavaScript: JSON with the live result). The sidecar counts only polls the
// build published in catalog.json, one vote per browser (a first-party
// cookie), at most maxVotersPerNet browsers per network and poll, with a
// rate limit per client.

const voterCookie = "sf_voter"

// maxVotersPerNet: see usecase.MaxVotersPerNet.
const maxVotersPerNet = usecase.MaxVotersPerNet

// Polls is the HTTP side of polls: the live result and the vote.
type Polls struct {
	*web.Web
	UC usecase.Polls
}

// voter is this browser's voter id, made (and set as a cookie) when create.
func (h *Polls) voter(c *gin.Context, create bool) string {
	if v, err := c.Cookie(voterCookie); err == nil && poll.ValidVoter(v) {
		return v
	}
	if !create {
		return ""
	}
	v := poll.NewVoter()
	http.SetCookie(c.Writer, &http.Cookie{Name: voterCookie, Value: v, Path: "/api/polls/", MaxAge: 2 * 365 * 24 * 3600,
		HttpOnly: true, Secure: h.Base.Scheme == "https", SameSite: http.SameSiteLaxMode})
	return v
}

func (h *Polls) findPoll(c *gin.Context) (usecase.Poll, bool) {
	p, err := h.UC.Find(c.Param("id"))
	switch {
	case errors.Is(err, usecase.ErrBadPollID):
		web.Fail(c, http.StatusNotFound, "no poll "+strconv.Quote(p.ID))
		return p, false
	case err != nil:
		web.Fail(c, http.StatusNotFound, "no poll "+strconv.Quote(p.ID)+" on this site (the build lists its polls in catalog.json)")
		return p, false
	}
	return p, true
}

func (h *Polls) pollResult(c *gin.Context, p usecase.Poll, voter string) (poll.Result, bool) {
	r, err := h.UC.Result(p, voter)
	if err != nil {
		h.Internal(c, "poll", err)
		return poll.Result{}, false
	}
	r.Counting = web.TF(h.Lang(c), "poll.counting", maxVotersPerNet)
	return r, true
}

// APIPoll answers the live result.
func (h *Polls) APIPoll(c *gin.Context) {
	p, found := h.findPoll(c)
	if !found {
		return
	}
	if r, good := h.pollResult(c, p, h.voter(c, false)); good {
		web.OK(c, http.StatusOK, r)
	}
}

// VotePoll counts this browser's vote: field or JSON "option" (index).
func (h *Polls) VotePoll(c *gin.Context) {
	p, found := h.findPoll(c)
	if !found {
		return
	}
	asJSON := isJSON(c)
	var raw string
	if asJSON {
		var req struct {
			Option *int `json:"option"`
		}
		if !web.DecodeJSON(c, &req) {
			return
		}
		if req.Option != nil {
			raw = strconv.Itoa(*req.Option)
		}
	} else {
		raw = c.PostForm("option")
	}
	if _, err := poll.ParseOption(raw, len(p.Options)); err != nil {
		web.Fail(c, http.StatusUnprocessableEntity, err.Error())
		return
	}
	voter := h.voter(c, true)
	if err := h.UC.Vote(p, voter, web.NetKey(h.ClientKey(c.Request)), raw); err != nil {
		if errors.Is(err, usecase.ErrVoteLimit) {
			web.Fail(c, http.StatusTooManyRequests, web.TF(h.Lang(c), "poll.limit", maxVotersPerNet))
			return
		}
		h.Internal(c, "vote", err)
		return
	}
	if !asJSON {
		c.Redirect(http.StatusSeeOther, backTo(c, p.Page)+"#poll-"+p.ID+"-thanks")
		return
	}
	if r, good := h.pollResult(c, p, voter); good {
		web.OK(c, http.StatusOK, r)
	}
}

// backTo is the page a form came from: the form's "back" field or the
// Referer when it is a path on this site, else the poll's page.
func backTo(c *gin.Context, page string) string {
	for _, cand := range []string{c.PostForm("back"), refererPath(c)} {
		if p := safeSource(cand); p != "" {
			return p
		}
	}
	if p := safeSource(page); p != "" {
		return p
	}
	return "/"
}

func refererPath(c *gin.Context) string {
	ref := c.GetHeader("Referer")
	u, err := url.Parse(ref)
	if err != nil || ref == "" || !strings.EqualFold(u.Host, c.Request.Host) {
		return ""
	}
	return u.Path
}
