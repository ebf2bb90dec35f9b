package fakegraph

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// jwtHeader holds the JOSE header members Entra looks at to pick the key of a client assertion.
type jwtHeader struct {
	Algorithm   string `json:"alg"`
	Type        string `json:"typ,omitempty"`
	KeyID       string `json:"kid,omitempty"`
	SHA1Thumb   string `json:"x5t,omitempty"`
	SHA256Thumb string `json:"x5t#S256,omitempty"`
}

// jwtClaims are the registered claims of a client assertion or federated token.
type jwtClaims struct {
	Issuer    string      `json:"iss,omitempty"`
	Subject   string      `json:"sub,omitempty"`
	Audience  jwtAudience `json:"aud,omitempty"`
	Expires   *jwtTime    `json:"exp,omitempty"`
	NotBefore *jwtTime    `json:"nbf,omitempty"`
	IssuedAt  *jwtTime    `json:"iat,omitempty"`
	ID        string      `json:"jti,omitempty"`
}

// jwtAudience accepts both forms RFC 7519 allows for "aud": one string or an array of them.
type jwtAudience []string

func (a *jwtAudience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = jwtAudience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New(`"aud" is neither a string nor an array of strings`)
	}
	*a = many
	return nil
}

func (a jwtAudience) MarshalJSON() ([]byte, error) {
	if len(a) == 1 {
		return json.Marshal(a[0])
	}
	return json.Marshal([]string(a))
}

func (a jwtAudience) contains(s string) bool {
	for _, v := range a {
		if v == s {
			return true
		}
	}
	return false
}

// jwtTime is a NumericDate: seconds since the epoch, possibly fractional.
type jwtTime struct{ time.Time }

func (t *jwtTime) UnmarshalJSON(b []byte) error {
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return errors.New("a time claim is not a number of seconds")
	}
	whole := int64(secs)
	t.Time = time.Unix(whole, int64((secs-float64(whole))*1e9)).UTC()
	return nil
}

func (t jwtTime) MarshalJSON() ([]byte, error) { return json.Marshal(t.Unix()) }

func newJWTTime(t time.Time) *jwtTime { return &jwtTime{t.Truncate(time.Second)} }

// parsedJWT is a compact JWS split into its parts, not yet verified.
type parsedJWT struct {
	header       jwtHeader
	claims       jwtClaims
	signingInput string
	signature    []byte
}

func parseJWT(token string) (*parsedJWT, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("a JWT has three dot-separated parts, this one has %d", len(parts))
	}
	var p parsedJWT
	if err := decodeJWTPart(parts[0], &p.header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if err := decodeJWTPart(parts[1], &p.claims); err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("signature is not base64url: %w", err)
	}
	p.signingInput = parts[0] + "." + parts[1]
	p.signature = sig
	return &p, nil
}

func decodeJWTPart(part string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return fmt.Errorf("not base64url: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	return nil
}

// verify checks the signature with key. Entra accepts RSA certificates only, signed with RS256 or PS256.
func (p *parsedJWT) verify(key crypto.PublicKey) error {
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("the key is a %T, not an RSA key", key)
	}
	digest := sha256.Sum256([]byte(p.signingInput))
	switch p.header.Algorithm {
	case "RS256":
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], p.signature)
	case "PS256":
		return rsa.VerifyPSS(pub, crypto.SHA256, digest[:], p.signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto})
	default:
		return fmt.Errorf("the signing algorithm %q is not supported (use RS256 or PS256)", p.header.Algorithm)
	}
}

// signJWT makes an RS256 compact JWS.
func signJWT(key *rsa.PrivateKey, header jwtHeader, claims jwtClaims) (string, error) {
	header.Algorithm = "RS256"
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// decodeThumbprint reads an x5t or x5t#S256 value, which is base64url without padding; some clients pad
// it or use the standard alphabet, and Entra tolerates both.
func decodeThumbprint(v string) ([]byte, error) {
	v = strings.TrimRight(v, "=")
	if b, err := base64.RawURLEncoding.DecodeString(v); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(v)
}
