package apiconnector

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

func TestErrorDetail_namesGraphsWaitAndATimeoutThatCoversIt(t *testing.T) {
	throttled := func(wait, left time.Duration) error {
		return fmt.Errorf("%w: %w", &graph.Error{Method: "GET", Path: "/v1.0/identity/apiConnectors", StatusCode: 429, Code: "TooManyRequests"},
			&graph.RetryAfterError{Wait: wait, Left: left})
	}
	tests := []struct {
		name    string
		err     error
		timeout timeoutSetting
		want    string
	}{
		{"a data source read", throttled(300*time.Second, 3*time.Second), dataSourceReadTimeout,
			`asked for a wait of 5m before the next request. Set timeouts { read = "6m" } or more on this data source`},
		{"a create", throttled(90500*time.Millisecond, 10*time.Minute-time.Second), resourceCreateTimeout,
			`asked for a wait of 1m31s before the next request. Set timeouts { create = "3m" } or more on this resource`},
		{"an hour", throttled(time.Hour, time.Minute), resourceDeleteTimeout,
			`asked for a wait of 1h before the next request. Set timeouts { delete = "1h1m" } or more on this resource`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errorDetail(tt.err, tt.timeout)
			if !strings.HasPrefix(got, tt.err.Error()+"\n\n") || !strings.Contains(got, tt.want) {
				t.Errorf("errorDetail =\n%s\nwant the error, then %s", got, tt.want)
			}
		})
	}
	if got := errorDetail(errors.New("other"), resourceReadTimeout); got != "other" {
		t.Errorf("errorDetail of another error = %q, want it unchanged", got)
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3 * time.Second: "3s", 10 * time.Second: "10s", 5 * time.Minute: "5m", 90 * time.Second: "1m30s",
		time.Hour: "1h", time.Hour + time.Minute: "1h1m", time.Hour + time.Second: "1h0m1s",
	} {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%s) = %q, want %q", d, got, want)
		}
	}
}
