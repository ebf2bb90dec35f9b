package credentials

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"golang.org/x/oauth2"
)

// sharedSources holds one token source per set of credentials for the life of the process. Terraform and OpenTofu
// configure the provider several times in one run; without this, each configuration would sign in again.
var sharedSources = struct {
	sync.Mutex
	byKey map[string]oauth2.TokenSource
}{byKey: map[string]oauth2.TokenSource{}}

// Shared returns the token source already registered under key, or registers src and returns it. Callers that
// share a source share its cached token, so src should reuse tokens (NewTokenSource's sources do, and are already
// passed through Shared). The key must not contain a secret; an empty key shares nothing and returns src.
func Shared(key string, src oauth2.TokenSource) oauth2.TokenSource {
	if key == "" {
		return src
	}
	sharedSources.Lock()
	defer sharedSources.Unlock()
	if existing, ok := sharedSources.byKey[key]; ok {
		return existing
	}
	sharedSources.byKey[key] = src
	return src
}

// cacheKey names a set of credentials without revealing them: the fingerprint is a digest or a path, never a
// secret. The parts are separated by a zero byte so that moving text from one part to the next changes the key.
func cacheKey(m Method, tokenURL, clientID, scope, fingerprint string) string {
	h := sha256.New()
	for _, part := range []string{string(m), tokenURL, clientID, scope, fingerprint} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// digest is the fingerprint of a secret: two configurations with the same secret match, and the secret itself
// cannot be read back from it.
func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
