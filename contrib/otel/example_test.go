package otel_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/conversekit/conversekit/contrib/otel"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/twilio"
)

// A Twilio client whose calls are traced and measured: here with in-memory
// exporters and a fake Twilio that answers the first request 429; in a
// program, with the providers of its OpenTelemetry setup.
func Example() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	ctx := context.Background()
	defer tp.Shutdown(ctx)
	defer mp.Shutdown(ctx)

	fake := participantstest.NewTwilioServer()
	defer fake.Close()
	conv := fake.SeedConversation("", "support-42")
	fake.InjectFaults(participantstest.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}},
		Body: `{"code": 20429, "message": "Too Many Requests", "status": 429}`})

	c, err := twilio.New(fake.AccountSID(), fake.AuthToken(), fake.ClientOptions(
		otel.Option(otel.WithTracerProvider(tp), otel.WithMeterProvider(mp)))...)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.CreateParticipant(ctx, conv, twilio.CreateParticipantParams{Identity: "alice"}); err != nil {
		log.Fatal(err)
	}

	for _, s := range spans.Ended() { // the attempts end before their call
		fmt.Print(s.Name())
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case "http.response.status_code", otel.RetriesKey, otel.RateLimitWaitsKey:
				fmt.Printf(" %s=%s", kv.Key, kv.Value.Emit())
			}
		}
		fmt.Println()
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		log.Fatal(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if sum, ok := m.Data.(metricdata.Sum[int64]); ok {
			var n int64
			for _, dp := range sum.DataPoints {
				n += dp.Value
			}
			fmt.Printf("%s: %d\n", m.Name, n)
		}
	}
	// Output:
	// POST /v1/Conversations/{ConversationSid}/Participants http.response.status_code=429
	// POST /v1/Conversations/{ConversationSid}/Participants http.response.status_code=201
	// twilio POST /v1/Conversations/{ConversationSid}/Participants http.response.status_code=201 conversekit.retries=1 conversekit.rate_limit.waits=1
	// conversekit.client.attempts: 2
	// conversekit.client.rate_limited: 1
}
