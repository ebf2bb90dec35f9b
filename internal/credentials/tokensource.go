package credentials

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"golang.org/x/oauth2"
)

// expiryDelta makes a token count as expired five minutes early, so that a Graph call started with it does not
// reach Graph after it has expired, and a clock skew of a few minutes does no harm.
const expiryDelta = 5 * time.Minute

// TokenSource turns an azidentity credential into the golang.org/x/oauth2 tokens the Graph client sends. It
// keeps a token until five minutes before it expires, and asks for one token at a time: requests that need a
// token while one is being fetched wait for it instead of fetching their own. It is safe for concurrent use.
type TokenSource struct {
	method     Method
	credential azcore.TokenCredential
	scope      string
	// authority, audience and secrets are what its errors say and hide.
	authority, audience string
	secrets             []string

	// turn is held by whoever fetches a token, and guards token.
	turn  chan struct{}
	token *oauth2.Token
}

func newTokenSource(m method, credential azcore.TokenCredential, scope string, cfg Config) *TokenSource {
	authority := cfg.AuthorityHost
	if !m.Application {
		authority = "the sign-in endpoint"
	}
	return &TokenSource{method: m.Name, credential: credential, scope: scope, authority: authority,
		audience: cfg.OIDCAudience, secrets: cfg.secrets(), turn: make(chan struct{}, 1)}
}

// Token returns a valid token. It has no deadline of its own: prefer TokenContext.
func (s *TokenSource) Token() (*oauth2.Token, error) { return s.TokenContext(context.Background()) }

// TokenContext returns a valid token, fetching one when the one held is missing or about to expire. The fetch
// (and the wait for another caller's fetch) ends with ctx, so that a token request is bounded by the operation
// that needs it. Errors are *SignInError, or ctx's error while waiting.
func (s *TokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	defer func() { <-s.turn }()
	if s.token != nil && time.Now().Add(expiryDelta).Before(s.token.Expiry) {
		return s.token, nil
	}
	access, err := s.credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{s.scope}})
	if err != nil {
		return nil, s.signInError(ctx, err)
	}
	s.token = &oauth2.Token{AccessToken: access.Token, TokenType: "Bearer", Expiry: access.ExpiresOn}
	return s.token, nil
}

// sharedSources holds one token source per set of credentials for the life of the process: Terraform and OpenTofu
// configure the provider several times in one run, and without it each configuration would sign in again. The key
// is the method, the sign-in host, tenant, client and resource, and the credential's fingerprint (a digest or a
// path, never a secret).
var sharedSources sync.Map

// digest is the fingerprint of a secret: two configurations with the same secret match, and the secret itself
// cannot be read back from it.
func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
