package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// newClientSecretSource signs in with the client credentials grant. The secret goes in the form body rather than
// in a Basic header, because Entra documents the body and auto-detection would cost a failed request first.
func newClientSecretSource(s signIn) (oauth2.TokenSource, string, error) {
	conf := &clientcredentials.Config{
		ClientID:     s.cfg.ClientID,
		ClientSecret: s.cfg.ClientSecret,
		TokenURL:     s.tokenURL,
		Scopes:       []string{s.scope},
		AuthStyle:    oauth2.AuthStyleInParams,
	}
	ctx := context.WithValue(s.ctx, oauth2.HTTPClient, s.client)
	src := tokenSourceFunc(func() (*oauth2.Token, error) {
		requestCtx, cancel := context.WithTimeout(ctx, requestTimeout)
		defer cancel()
		// conf.Token fetches a new token on every call; reuse is left to the source NewTokenSource wraps this in,
		// whose five-minute margin a second reuse layer here would defeat.
		tok, err := conf.Token(requestCtx)
		if err == nil {
			return tok, nil
		}
		var refused *oauth2.RetrieveError
		if errors.As(err, &refused) {
			status, header := 0, http.Header{}
			if refused.Response != nil {
				status, header = refused.Response.StatusCode, refused.Response.Header
			}
			return nil, newTokenError(ClientSecret, s.tokenURL, status, header, refused.Body, s.cfg.ClientSecret)
		}
		return nil, fmt.Errorf("%s: the token request to %s failed: %w", ClientSecret, s.tokenURL, err)
	})
	return src, digest(s.cfg.ClientSecret), nil
}
