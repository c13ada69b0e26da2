package redisdedupe_test

import (
	"context"
	"fmt"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/conversekit/conversekit/contrib/redisdedupe"
)

// Two deliveries of one event, as two processes behind a load balancer
// would see them: the first claims it, the second is a duplicate.
func ExampleNew() {
	addr := os.Getenv("CONVERSEKIT_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6390" // .ci/run starts a Redis there
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
	defer rdb.Close()
	d, err := redisdedupe.New(rdb, redisdedupe.WithPrefix(prefix()))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	first, err := d.Claim(ctx, "twilio:IT1234")
	if err != nil {
		fmt.Println(err)
		return
	}
	second, err := d.Claim(ctx, "twilio:IT1234")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("first delivery handled:", first)
	fmt.Println("second delivery handled:", second)
	// Output:
	// first delivery handled: true
	// second delivery handled: false
}
