package redislimit_test

import (
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/contrib/redislimit"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
)

// Every process that calls Bird with the same workspace shares one budget
// of 490 requests a second in Redis; if Redis fails, the call fails unsent
// with code Unavailable (WithFallback gives a local limiter to use
// instead). (No Output: the example needs a Redis server,
// so it is compiled but not run.)
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
	defer rdb.Close()
	workspaceID := "a1405560-c8d3-4b1a-877d-3f449ad95352"

	lim, err := redislimit.New(rdb, "bird", workspaceID, 490)
	if err != nil {
		log.Fatal(err)
	}
	bc, err := bird.New("access-key", option.WithLimiter(lim)) // waited on before every attempt
	if err != nil {
		log.Fatal(err)
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: workspaceID}))
	_ = c // c.AddEach(ctx, conversationID, people) now keeps every process under 490/s together
}
