package credentials

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// countingCredential hands out tokens valid for lifetime, counting the requests, after waiting delay.
type countingCredential struct {
	lifetime time.Duration
	delay    time.Duration
	requests atomic.Int32
}

func (c *countingCredential) GetToken(ctx context.Context, options policy.TokenRequestOptions) (azcore.AccessToken, error) {
	n := c.requests.Add(1)
	select {
	case <-time.After(c.delay):
	case <-ctx.Done():
		return azcore.AccessToken{}, ctx.Err()
	}
	return azcore.AccessToken{Token: "token-" + string(rune('0'+n)), ExpiresOn: time.Now().Add(c.lifetime)}, nil
}

// getTokenFunc lets a function serve as an azcore.TokenCredential.
type getTokenFunc func(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error)

func (f getTokenFunc) GetToken(ctx context.Context, options policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return f(ctx, options)
}

func testSource(credential azcore.TokenCredential) *TokenSource {
	return newTokenSource(methods[1], credential, "https://graph.microsoft.com/.default",
		Config{AuthorityHost: "https://login.microsoftonline.com", ClientSecret: "client-secret-value"})
}

func TestTokenSource_reusesATokenUntilFiveMinutesBeforeItExpires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		credential := &countingCredential{lifetime: time.Hour}
		src := testSource(credential)
		first, err := src.TokenContext(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(54 * time.Minute)
		again, _ := src.TokenContext(t.Context())
		if again.AccessToken != first.AccessToken || credential.requests.Load() != 1 {
			t.Fatalf("54 minutes into an hour's token: %d requests, token %s then %s", credential.requests.Load(), first.AccessToken, again.AccessToken)
		}
		time.Sleep(2 * time.Minute)
		renewed, _ := src.TokenContext(t.Context())
		if renewed.AccessToken == first.AccessToken || credential.requests.Load() != 2 {
			t.Errorf("4 minutes before expiry the token was not renewed: %d requests", credential.requests.Load())
		}
	})
}

func TestTokenSource_concurrentCallersShareOneRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		credential := &countingCredential{lifetime: time.Hour, delay: time.Second}
		src := testSource(credential)
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				if _, err := src.TokenContext(t.Context()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := credential.requests.Load(); n != 1 {
			t.Errorf("10 callers at once made %d token requests, want 1", n)
		}
	})
}

func TestTokenSource_endsWithTheOperationsDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A sign-in endpoint that never answers: the token request must end when the operation's context does.
		credential := &countingCredential{lifetime: time.Hour, delay: 24 * time.Hour}
		src := testSource(credential)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		start := time.Now()
		_, err := src.TokenContext(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the deadline", err)
		}
		if waited := time.Since(start); waited != 30*time.Second {
			t.Errorf("the token request ended after %s, want the operation's 30s", waited)
		}
		var signIn *SignInError
		if !errors.As(err, &signIn) || signIn.NextStep == "" {
			t.Errorf("the error says no next step: %v", err)
		}

		// A second caller waiting for the first one's request gives up at its own deadline too.
		credential.delay = time.Hour
		go func() { _, _ = src.TokenContext(t.Context()) }()
		synctest.Wait()
		short, cancelShort := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancelShort()
		if _, err := src.TokenContext(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a caller waiting behind another's token request: err = %v, want its own deadline", err)
		}
	})
}

func TestTokenSource_errorsHoldNoSecret(t *testing.T) {
	failing := getTokenFunc(func(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
		return azcore.AccessToken{}, errors.New("ClientSecretCredential: the secret client-secret-value was refused")
	})
	_, err := testSource(failing).TokenContext(t.Context())
	if err == nil || strings.Contains(err.Error(), "client-secret-value") {
		t.Errorf("err = %v", err)
	}
}
