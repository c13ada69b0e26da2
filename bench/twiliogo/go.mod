module github.com/conversekit/conversekit/bench/twiliogo

go 1.25.0

require (
	github.com/conversekit/conversekit v0.1.0
	github.com/twilio/twilio-go v1.31.0
)

require (
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/golang-jwt/jwt/v5 v5.2.2 // indirect
	github.com/golang/mock v1.6.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	github.com/oapi-codegen/runtime v1.8.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	golang.org/x/time v0.15.0 // indirect
)
