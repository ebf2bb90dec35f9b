package graph

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// pacer decides when each request of a client may go: it is the client's one throttle gate.
//
// Until Graph first answers 429 it lets every request through at once. From then on nothing goes before
// the Retry-After Graph asked for, and afterwards the requests go one after another at the rate Graph
// admits, first come first served, so that the operations in flight share it evenly instead of arriving
// together when the wait is over and being turned away again. Graph counts every request against the
// application's limit, the ones it turns away included, so each avoided 429 is quota left for the work
// and for the other users of the same application.
//
// The rate is learned from the 429s themselves. Graph's limit behaves as a token bucket: each request
// takes a token, tokens come back at the limit's rate, and a 429's Retry-After says when the bucket holds
// one again. So the requests Graph answered between two 429s, over the time between the moments those two
// said it would be ready again, is the rate it admits (rateSample). The pacer spends that, raises it
// slowly while requests are waiting and nothing is turned away, and learns again from the next 429. It
// models Graph's bucket as a GCRA (the virtual-scheduling form of a token bucket): tat is when the bucket
// would be full again, and a request may go once tat is no more than a burst ahead.
//
// What it learned is kept in the rate memory, when the client has one, for the next process of the
// provider (OpenTofu starts one per command and per phase of an apply): a process that starts soon after
// another was throttled starts paced instead of finding out again with a burst of 429s.
type pacer struct {
	mu sync.Mutex
	// memory, when set, holds what an earlier process learned until the first request reads it.
	memory   *rateMemory
	recalled bool

	paced bool
	// rate is what the pacer spends, in requests per second; burst is how many requests Graph's bucket
	// holds when full, as learned.
	rate, burst float64
	// until is the Retry-After gate: nothing goes before it.
	until time.Time
	// ready is when, by the latest 429, Graph holds a token again; tat is the GCRA's theoretical arrival
	// time, when the modelled bucket is full again.
	ready, tat time.Time
	// epoch counts the 429s that moved the schedule: a request that waited for a slot of an older epoch
	// asks again.
	epoch uint64

	// cut is when the rate was last lowered: a 429 for a request sent before it is old news.
	cut time.Time
	// raised is when the rate was last raised; busy is when a request last had to wait its turn.
	raised, busy time.Time
	// measured is when the rate was last measured (rateSample), zero while it is a first guess, and
	// measuredRate what it measured; throttledAt is when Graph last answered 429.
	measured, throttledAt time.Time
	measuredRate          float64
	// anchor is the ready time of the 429 that opened the current measurement, anchored when it arrived,
	// and answered the requests Graph has answered since, admitted or turned away.
	anchor, anchored time.Time
	answered         int
	// anchorPrecise says the anchor is a moment a precise Retry-After named: then only the answers to
	// requests sent after it was anchored count, the others being in its debt.
	anchorPrecise bool
	// together holds the moments the 429s of the requests sent with the one that opened the first
	// measurement say Graph is ready again.
	together []time.Time
	// opening is the anchor of the first measurement: the one the unpaced burst opened.
	opening time.Time
	// slots holds the latest slots handed out, to tell whether the rate is what the requests get;
	// bursting is the latest slot that spends the burst rather than the rate.
	slots    []time.Time
	bursting time.Time
	// lag is how long the latest answer took to come.
	lag time.Duration
	// pacedSince is when pacing started.
	pacedSince time.Time
	// admittedRecently holds the times of the admitted requests of the last second, while unpaced: the
	// first guess of the rate and burst when the first 429 comes.
	admittedRecently []time.Time
}

// Pacing constants. They are about Graph's behaviour, not the provider's configuration.
const (
	// probeGrowth is how fast, per second, the pacer raises its rate while requests wait their turn and
	// Graph turns none away, from probeAfter after the last measurement on: the limit may have risen.
	// guessGrowth is the same before the rate was ever measured.
	probeGrowth   = 0.01
	probeAfter    = time.Minute
	probeDoubling = 5 * time.Second
	// probeReach is how far above the last measurement probing goes before that measurement's stretch
	// stops counting.
	probeReach  = 0.1
	guessGrowth = 0.1
	// lowerShare is what a 429 leaves of the rate when it brings no measurement, and trimShare what it
	// takes off the last measurement when the rate was at it or above.
	lowerShare = 0.9
	trimShare  = 0.02
	// sampleSpan and sampleRequests are the least time and requests a measurement spans.
	sampleSpan      = 300 * time.Millisecond
	roughSampleSpan = 2 * time.Second
	sampleRequests  = 3
	togetherSpan    = 100 * time.Millisecond
	// idleToStop is how long no request has to wait its turn before the pacer stops pacing.
	idleToStop = 10 * time.Second
	// burstMargin is how much more than a token the modelled bucket holds at a request that spends its
	// burst: in steady pacing it holds exactly one.
	burstMargin = 0.05
	// maxSlotsKept bounds the slots kept to measure the rate the requests get.
	maxSlotsKept = 256
)

// newPacer returns a pacer that remembers what it learns in the file memory ("" for none).
func newPacer(memory string) *pacer {
	p := &pacer{}
	if memory != "" {
		p.memory = &rateMemory{path: memory}
	}
	return p
}

// wait returns when the caller may send its request, with the moment its turn came (what observe takes
// as the moment it was sent), or fails when ctx ends first. When its turn comes only after ctx's deadline
// it fails at once with a *RetryAfterError.
func (p *pacer) wait(ctx context.Context) (time.Time, error) {
	for {
		p.mu.Lock()
		now := time.Now()
		p.recall(ctx, now)
		p.stopWhenIdle(ctx, now)
		slot, epoch := p.reserve(ctx, now), p.epoch
		p.mu.Unlock()

		pause := slot.Sub(now)
		if pause <= 0 {
			return now, nil
		}
		if deadline, ok := ctx.Deadline(); ok {
			if left := time.Until(deadline); pause > left {
				return time.Time{}, &RetryAfterError{Wait: pause, Left: max(left, 0), Queued: true}
			}
		}
		if err := sleep(ctx, pause); err != nil {
			return time.Time{}, err
		}
		p.mu.Lock()
		current := p.epoch == epoch
		p.mu.Unlock()
		if current {
			return slot, nil
		}
	}
}

// tolerance is how far the modelled bucket's full time (tat) may lie ahead of a request it lets go: the
// time the rate takes to refill a burst less one request. The GCRA's τ.
func (p *pacer) tolerance() time.Duration {
	return secondsDuration((p.burst - 1) / p.rate)
}

// holds is how many requests' worth the modelled bucket holds at t: the burst when it is full, one at a
// request in steady pacing.
func (p *pacer) holds(t time.Time) float64 {
	return p.burst - max(p.tat.Sub(t).Seconds(), 0)*p.rate
}

// reserve returns the caller's slot and books it.
func (p *pacer) reserve(ctx context.Context, now time.Time) time.Time {
	if !p.paced {
		return latest(now, p.until)
	}
	interval := secondsDuration(1 / p.rate)
	tolerance := p.tolerance()
	if p.tat.Before(now.Add(-tolerance)) {
		// No request waited and the modelled bucket is full: Graph's may have filled up and lost refill
		// meanwhile, and a measurement across it would read low. The next 429 starts a new one.
		p.anchor = time.Time{}
	}
	slot := latest(now, p.until, p.tat.Add(-tolerance))
	held := p.holds(slot)
	p.tat = latest(p.tat, slot).Add(interval)
	if held > 1+burstMargin {
		// The request goes with more than a token in hand: it spends the bucket's burst, and so do the next
		// one, which it leaves to wait for the bucket's last token, and those sent before that one's answer
		// can tell whether Graph had it.
		p.bursting = latest(slot, p.tat.Add(-tolerance)).Add(p.lag)
	}
	if slot.After(now) {
		p.busy = now
	}
	p.slots = append(p.slots, slot)
	if len(p.slots) > maxSlotsKept {
		p.slots = p.slots[1:]
	}
	return slot
}

// observe learns from an answer to a request sent at sent.
func (p *pacer) observe(ctx context.Context, sent time.Time, ex exchange) {
	if ex.err != nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.lag = now.Sub(sent)
	wait, named := retryAfter(ex)
	switch {
	case ex.status == http.StatusTooManyRequests:
		p.throttled(ctx, now, sent, wait, named, precise(ex))
	case ex.status == http.StatusServiceUnavailable && named:
		// Graph is unavailable, not limiting the rate: the gate holds, the rate stands.
		p.closeGate(now.Add(wait))
	default:
		p.admitted(ctx, now, sent)
	}
	if p.paced {
		// Graph counted the request by the time its answer came.
		p.remember(ctx, now, sent)
	}
}

// admitted counts an answer Graph acted on, to a request sent at sent.
func (p *pacer) admitted(ctx context.Context, now, sent time.Time) {
	p.count(sent)
	if !p.paced || sent.Before(p.pacedSince) {
		// The request went unpaced: Graph held a token for it, and its answer may come after the 429s
		// of the others sent with it.
		p.admittedRecently = append(p.admittedRecently, now)
		p.forgetAdmittedBefore(now.Add(-time.Second))
		if p.paced {
			rate, burst := p.firstGuess(now)
			if burst > p.burst {
				// The bucket is deeper than the pacer thought, and holds no more now for it.
				p.tat = p.tat.Add(secondsDuration((burst - p.burst) / p.rate))
				p.burst = burst
			}
			if p.measured.IsZero() {
				p.rate = max(p.rate, rate)
			}
		}
		return
	}
	// Probe for more while requests queue up, get the rate in full, and Graph turns none away.
	if now.Sub(p.busy) < time.Second && now.After(p.until) && p.spent(now) >= 0.9*p.rate {
		growth := p.growth(now)
		if !p.measured.IsZero() && p.rate > p.measuredRate*(1+probeReach) {
			// Probing went well past the last measurement: Graph's bucket may have filled up meanwhile, and
			// a measurement across it would read low. The next 429 starts a new one.
			p.anchor = time.Time{}
		}
		p.rate *= 1 + growth*min(now.Sub(p.raised), time.Second).Seconds()
		p.raised = now
	}
}

// growth is how fast the rate may rise now, per second: fast while it is a guess, not at all for a while
// after a measurement, then slowly, and twice as fast for every probeDoubling that Graph turns nothing
// away, for a limit that rose far.
func (p *pacer) growth(now time.Time) float64 {
	if p.measured.IsZero() {
		return guessGrowth
	}
	quiet := now.Sub(latest(p.measured, p.throttledAt)) - probeAfter
	if quiet < 0 {
		return 0
	}
	return min(guessGrowth, probeGrowth*math.Exp2(float64(quiet/probeDoubling)))
}

// spent is how many slots the last second held: the rate the requests got.
func (p *pacer) spent(now time.Time) float64 {
	n := 0
	for _, slot := range p.slots {
		if !slot.After(now) && now.Sub(slot) <= time.Second {
			n++
		}
	}
	return float64(n)
}

// throttled learns from a 429 to a request sent at sent: Graph is ready again after wait, to the second
// when the wait is not precise.
func (p *pacer) throttled(ctx context.Context, now, sent time.Time, wait time.Duration, named, precise bool) {
	p.count(sent)
	// A request sent before the previous 429 came back went with a burst, into a bucket in debt.
	inBurst := !sent.After(p.throttledAt)
	p.throttledAt = now
	if !p.paced {
		p.start(ctx, now)
	}
	interval := secondsDuration(1 / p.rate)
	var ready time.Time
	switch {
	case named && precise:
		// Graph says when it holds a token again.
		ready = latest(p.ready, now.Add(wait))
	default:
		// By the model, the bucket was empty: Graph is ready again one interval from now, later for every
		// 429 just before (each took a token it did not have), and no sooner than the rounded wait allows.
		ready = latest(p.ready.Add(interval), now.Add(interval))
		if named {
			ready = latest(ready, now.Add(wait-time.Second))
		}
	}
	if named {
		p.closeGate(now.Add(wait))
	}
	// The moments the first burst's 429s name are compared counted from when each request went, which the
	// order Graph answered in moves less than the order the answers were read in.
	sample, ok := p.measure(now, sent, ready, sent.Add(wait), named && precise, inBurst)
	switch {
	case ok:
		p.measuredRate = sample
		p.setRate(ctx, now, sample, now)
	case !sent.Before(p.pacedSince) && !sent.After(p.bursting):
		// The request went with a burst: the bucket holds fewer than the pacer thought.
		p.burst = max(1, p.burst-1)
	case sent.After(p.cut):
		lowered := p.rate * lowerShare
		if trimmed := p.measuredRate * (1 - trimShare); p.rate > trimmed {
			// The rate was at the last measurement or above: a measurement a hair high, or a probe, met the
			// limit, and Graph still admits about what was measured. A second 429 cuts.
			lowered = max(lowered, trimmed)
		}
		p.setRate(ctx, now, lowered, p.measured)
	}
	// The schedule starts again from the moment Graph is ready: one request then, the next an interval
	// later.
	p.ready = ready
	p.tat = ready.Add(p.tolerance())
	p.epoch++
}

// measure measures Graph's rate from a 429 to a request sent at sent, which names ready as the moment
// Graph holds a token again, and asked as the moment Retry-After names counted from when the request was
// sent; precise when Retry-After has a fraction.
// A measurement runs between the moments Graph says it is ready again; when it says so only to the
// second, between the 429s themselves, over a longer stretch, and only those of requests that went singly
// (not inBurst), when the bucket was about empty rather than in debt.
func (p *pacer) measure(now, sent, ready, asked time.Time, precise, inBurst bool) (float64, bool) {
	mark, span := ready, sampleSpan
	if !precise {
		mark, span = now, roughSampleSpan
	}
	// The 429 that opens the first measurement is the first of the burst that met the limit.
	inOpening := !p.anchor.IsZero() && p.anchor.Equal(p.opening)
	if precise || !inBurst {
		if sample, ok := p.rateSample(now, sent, mark, asked, span, precise); ok {
			return sample, true
		}
	}
	if inOpening && precise {
		return p.togetherSample(sent, asked)
	}
	return 0, false
}

// count counts an answer, admitted or turned away, to a request sent at sent into the current
// measurement: the requests sent before it opened are in the moment it opened at.
func (p *pacer) count(sent time.Time) {
	if !p.anchorPrecise || sent.After(p.anchored) {
		p.answered++
	}
}

// rateSample measures Graph's rate: the requests it answered, admitted or turned away, between the 429
// that opened the measurement and this one, over how far the two moved the moment Graph is ready again.
// Only a request sent after the opening 429 arrived closes a measurement: the ones sent with it, at once,
// came back in no particular order.
func (p *pacer) rateSample(now, sent, ready, asked time.Time, least time.Duration, precise bool) (float64, bool) {
	if p.anchor.IsZero() {
		p.anchor, p.anchored, p.answered, p.anchorPrecise = ready, now, 0, precise
		p.together = []time.Time{asked}
		if p.opening.IsZero() {
			p.opening = ready
		}
		return 0, false
	}
	if !sent.After(p.anchored) {
		// The request went with the one that opened the measurement, into the same empty bucket: the
		// later moment its 429 names precisely counts the debt they ran up together, and the measurement
		// starts there.
		if precise && ready.After(p.anchor) {
			if p.anchor.Equal(p.opening) {
				p.opening = ready
			}
			p.anchor, p.anchored, p.answered = ready, now, 0
		}
		return 0, false
	}
	span := ready.Sub(p.anchor)
	if span < least || p.answered < sampleRequests {
		return 0, false
	}
	sample := float64(p.answered) / span.Seconds()
	p.anchor, p.anchored, p.answered, p.anchorPrecise = ready, now, 0, precise
	return sample, true
}

// togetherSample measures Graph's rate, while the first measurement is open, from the 429s of the
// requests sent with the first one, before it came back (the unpaced burst that met the limit): each took
// a token Graph did not have, so the moments they say Graph is ready again lie an interval apart
// (typicalInterval). Only a precise Retry-After tells them apart.
func (p *pacer) togetherSample(sent, ready time.Time) (float64, bool) {
	if !sent.Before(p.anchored) {
		return 0, false
	}
	p.together = append(p.together, ready)
	slices.SortFunc(p.together, time.Time.Compare)
	var gaps []time.Duration
	for i := 1; i < len(p.together); i++ {
		if gap := p.together[i].Sub(p.together[i-1]); gap > time.Millisecond {
			gaps = append(gaps, gap)
		}
	}
	if len(gaps)+1 < sampleRequests || p.together[len(p.together)-1].Sub(p.together[0]) < togetherSpan {
		return 0, false
	}
	return 1 / typicalInterval(gaps).Seconds(), true
}

// typicalInterval is the interval that gaps between moments an interval apart show, when some moments were
// not seen (a gap of two intervals or more), the answers came a few milliseconds apart (gaps a little wider
// and narrower), and some gaps are narrower (where Graph stopped counting a client's debt, or two 429s named
// about the same moment). It keeps the gaps at least half the widest, takes the one most of them lie within
// a quarter of (the narrower at a tie) as an interval, and divides the gaps that are a whole number of
// intervals by how many they are.
func typicalInterval(gaps []time.Duration) time.Duration {
	widest := slices.Max(gaps)
	gaps = slices.DeleteFunc(slices.Clone(gaps), func(gap time.Duration) bool { return gap < widest/2 })
	intervals := func(gap, interval time.Duration) (float64, bool) {
		ratio := float64(gap) / float64(interval)
		n := math.Round(ratio)
		return n, n >= 1 && math.Abs(ratio-n) <= 0.25
	}
	typical, most := widest, 0
	for _, candidate := range gaps {
		alike := 0
		for _, gap := range gaps {
			if n, ok := intervals(gap, candidate); ok && n == 1 {
				alike++
			}
		}
		if alike > most || alike == most && candidate < typical {
			typical, most = candidate, alike
		}
	}
	var sum time.Duration
	count := 0.0
	for _, gap := range gaps {
		if n, ok := intervals(gap, typical); ok {
			sum += gap
			count += n
		}
	}
	return time.Duration(float64(sum) / count)
}

// start paces from the first 429 on, with a first guess of Graph's rate and burst.
func (p *pacer) start(ctx context.Context, now time.Time) {
	p.paced, p.measured = true, time.Time{}
	p.rate, p.burst = p.firstGuess(now)
	p.busy, p.raised, p.cut, p.pacedSince = now, now, now, now
	p.anchor, p.opening, p.answered = time.Time{}, time.Time{}, 0
	tflog.SubsystemDebug(withLogSubsystem(ctx), LogSubsystem, "Graph is throttling: pacing requests",
		map[string]any{"rate_per_second": round2(p.rate), "burst": round2(p.burst)})
}

// firstGuess guesses Graph's rate and burst from the requests it admitted unpaced over the last second:
// the rate is how many, and the burst what went through at once, beyond what that rate refilled
// meanwhile, and no more than a second's worth: a burst too large costs a 429 in every process that starts
// with it.
func (p *pacer) firstGuess(now time.Time) (rate, burst float64) {
	p.forgetAdmittedBefore(now.Add(-time.Second))
	if len(p.admittedRecently) == 0 {
		return 1, 1
	}
	rate = float64(len(p.admittedRecently))
	return rate, max(1, min(rate-rate*now.Sub(p.admittedRecently[0]).Seconds(), rate))
}

// forgetAdmittedBefore drops the admitted answers that came before t.
func (p *pacer) forgetAdmittedBefore(t time.Time) {
	for len(p.admittedRecently) > 0 && p.admittedRecently[0].Before(t) {
		p.admittedRecently = p.admittedRecently[1:]
	}
}

// setRate changes the rate the pacer spends. A lower rate is a cut: a 429 for a
// request sent before it says nothing of the new rate.
func (p *pacer) setRate(ctx context.Context, now time.Time, rate float64, measured time.Time) {
	if rate < p.rate {
		p.cut = now
	}
	p.rate, p.measured, p.raised = max(rate, minRate), measured, now
}

// remember writes what the pacer learned to the rate memory, with the moment the latest request it
// scheduled goes (a slot handed out now may lie seconds ahead, behind the queue), or its answer came, and
// when the bucket it models is full again. It is called with each answer, now, to a request sent at sent,
// while the pacer paces: the last answer comes after the last slot.
func (p *pacer) remember(ctx context.Context, now, sent time.Time) {
	if p.memory == nil {
		return
	}
	at := now
	if len(p.slots) > 0 {
		at = latest(now, p.slots[len(p.slots)-1])
	}
	// Graph takes a request's token at some moment before its answer, not when it was sent. And nothing goes
	// before the Retry-After gate, in the next process either: the bucket is full no sooner than a burst
	// after it.
	full := latest(p.tat.Add(now.Sub(sent)), p.until.Add(p.tolerance()))
	p.memory.save(ctx, rateRecord{Rate: p.rate, Burst: p.burst, Measured: p.measured, At: at, Full: full})
}

// minRate is the least rate the pacer spends: one request a minute.
const minRate = 1.0 / 60

// stopWhenIdle stops pacing once no request has had to wait its turn for a while: Graph's bucket has
// refilled, and there is no queue to spread.
func (p *pacer) stopWhenIdle(ctx context.Context, now time.Time) {
	if !p.paced || now.Sub(p.busy) < idleToStop || now.Before(p.until) {
		return
	}
	p.paced = false
	tflog.SubsystemDebug(withLogSubsystem(ctx), LogSubsystem, "Graph no longer throttling: stopped pacing requests",
		map[string]any{"rate_per_second": round2(p.rate)})
}

// closeGate holds every request back until the given time.
func (p *pacer) closeGate(until time.Time) {
	if until.After(p.until) {
		p.until = until
		p.epoch++
	}
}

// recall starts paced, at the first request (now), when an earlier process was throttled recently.
func (p *pacer) recall(ctx context.Context, now time.Time) {
	if p.recalled || p.memory == nil {
		return
	}
	p.recalled = true
	r, ok := p.memory.load()
	if !ok || p.paced {
		return
	}
	p.paced, p.rate, p.burst, p.measured = true, max(r.Rate, minRate), max(r.Burst, 1), r.Measured
	p.measuredRate = p.rate
	// The bucket has refilled since the last process's last request, as modelled then.
	p.tat = latest(now, r.Full)
	p.busy, p.raised, p.cut, p.pacedSince = now, now, now, now
	tflog.SubsystemDebug(withLogSubsystem(ctx), LogSubsystem, "Graph was throttling recently: pacing requests at the rate learned then",
		map[string]any{"rate_per_second": round2(p.rate), "burst": round2(p.burst), "learned_at": r.At.UTC().Format(time.RFC3339),
			"bucket_holds": round2(p.holds(now))})
}

// precise reports whether an answer's Retry-After has a fraction ("0.512"): then it is the exact time
// until Graph is ready, not that time rounded up to the second.
func precise(ex exchange) bool {
	return strings.Contains(ex.header.Get("Retry-After"), ".")
}

func secondsDuration(seconds float64) time.Duration {
	return time.Duration(seconds * float64(time.Second))
}

func round2(x float64) float64 {
	return float64(int64(x*100+0.5)) / 100
}

// latest is the latest of times.
func latest(first time.Time, others ...time.Time) time.Time {
	for _, t := range others {
		if t.After(first) {
			first = t
		}
	}
	return first
}
