package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

// The same four functions build the clients for the fakes and for the real
// APIs; only the credentials and the base URL option differ.

// intercomTarget builds the Intercom client and the facade over it. The
// admin adminID is who adds participants.
func intercomTarget(token, adminID, conversation string, opts ...option.Option) (target, error) {
	ic, err := intercom.New(token, opts...)
	if err != nil {
		return target{}, err
	}
	p := intercomparticipants.New(ic, intercomparticipants.Options{AdminID: adminID})
	return target{name: "intercom", client: participants.New(p), conversation: conversation}, nil
}

// birdTarget builds the Bird client and the facade over it, for the
// workspace workspaceID.
func birdTarget(accessKey, workspaceID, conversation string, opts ...option.Option) (target, error) {
	bc, err := bird.New(accessKey, opts...)
	if err != nil {
		return target{}, err
	}
	p := birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: workspaceID})
	return target{name: "bird", client: participants.New(p), conversation: conversation}, nil
}

// twilioTarget builds the Twilio client and the facade over it. proxyAddress
// is the Twilio number that people added by phone talk to.
func twilioTarget(accountSID, authToken, proxyAddress, conversation string, opts ...option.Option) (target, error) {
	tc, err := twilio.New(accountSID, authToken, opts...)
	if err != nil {
		return target{}, err
	}
	p := twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: proxyAddress})
	return target{name: "twilio", client: participants.New(p), conversation: conversation}, nil
}

// sunshineTarget builds the Sunshine Conversations client (basic auth with
// an API key) and the facade over it, for the app appID.
func sunshineTarget(keyID, secret, appID, conversation string, opts ...option.Option) (target, error) {
	sc, err := sunshine.New(keyID, secret, opts...)
	if err != nil {
		return target{}, err
	}
	p := sunshineparticipants.New(sc, sunshineparticipants.Options{AppID: appID})
	return target{name: "sunshine", client: participants.New(p), conversation: conversation}, nil
}

// fromEnv returns a target for every vendor whose credentials are in the
// environment, and says which vendors it skips. Half the credentials of a
// vendor, credentials without the vendor's conversation flag, or the flag
// without credentials are errors.
func fromEnv(env func(string) string, f *flags) (targets []target, skipped []string, err error) {
	ic, err := credentials(env, "-intercom-conversation", f.intercomConversation, "INTERCOM_TOKEN", "INTERCOM_ADMIN_ID")
	if err != nil {
		return nil, nil, err
	}
	if ic == nil {
		skipped = append(skipped, "intercom: INTERCOM_TOKEN and INTERCOM_ADMIN_ID are not set")
	} else {
		t, err := intercomTarget(ic[0], ic[1], f.intercomConversation, baseURL(env, "INTERCOM_BASE_URL")...)
		if err != nil {
			return nil, nil, err
		}
		targets = append(targets, t)
	}

	bc, err := credentials(env, "-bird-conversation", f.birdConversation, "BIRD_ACCESS_KEY", "BIRD_WORKSPACE_ID")
	if err != nil {
		return nil, nil, err
	}
	if bc == nil {
		skipped = append(skipped, "bird: BIRD_ACCESS_KEY and BIRD_WORKSPACE_ID are not set")
	} else {
		t, err := birdTarget(bc[0], bc[1], f.birdConversation, baseURL(env, "BIRD_BASE_URL")...)
		if err != nil {
			return nil, nil, err
		}
		targets = append(targets, t)
	}

	tc, err := credentials(env, "-twilio-conversation", f.twilioConversation, "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
	if err != nil {
		return nil, nil, err
	}
	if tc == nil {
		skipped = append(skipped, "twilio: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set")
	} else {
		proxy := env("TWILIO_PROXY_ADDRESS")
		if proxy == "" && f.person.ExternalID == "" && f.person.Phone != "" {
			return nil, nil, errors.New("TWILIO_PROXY_ADDRESS (the Twilio number the person talks to) is needed to add -phone on Twilio; or add the person by -external-id")
		}
		t, err := twilioTarget(tc[0], tc[1], proxy, f.twilioConversation, baseURL(env, "TWILIO_BASE_URL")...)
		if err != nil {
			return nil, nil, err
		}
		targets = append(targets, t)
	}

	// Sunshine has no default host: its base URL is one of the credentials.
	sc, err := credentials(env, "-sunshine-conversation", f.sunshineConversation, "SUNSHINE_KEY_ID", "SUNSHINE_SECRET", "SUNSHINE_APP_ID", "SUNSHINE_BASE_URL")
	if err != nil {
		return nil, nil, err
	}
	if sc == nil {
		skipped = append(skipped, "sunshine: SUNSHINE_KEY_ID, SUNSHINE_SECRET, SUNSHINE_APP_ID and SUNSHINE_BASE_URL are not set")
	} else {
		t, err := sunshineTarget(sc[0], sc[1], sc[2], f.sunshineConversation, option.WithBaseURL(sc[3]))
		if err != nil {
			return nil, nil, err
		}
		targets = append(targets, t)
	}
	return targets, skipped, nil
}

// credentials returns the values of the variables names, or nil when none
// is set. It refuses some set and some not, and credentials without a
// conversation (the value of flagName) or a conversation without them.
func credentials(env func(string) string, flagName, conversation string, names ...string) ([]string, error) {
	var values, set, unset []string
	for _, n := range names {
		v := env(n)
		values = append(values, v)
		if v == "" {
			unset = append(unset, n)
		} else {
			set = append(set, n)
		}
	}
	all := strings.Join(names, " and ")
	switch {
	case len(set) == 0 && conversation != "":
		return nil, fmt.Errorf("%s needs %s in the environment", flagName, all)
	case len(set) == 0:
		return nil, nil
	case len(unset) > 0:
		return nil, fmt.Errorf("%s is set but %s is not", strings.Join(set, " and "), strings.Join(unset, " and "))
	case conversation == "":
		return nil, fmt.Errorf("%s are set: name the conversation to add the person to with %s", all, flagName)
	}
	return values, nil
}

// baseURL returns the option that replaces the vendor's production host when
// the variable name is set.
func baseURL(env func(string) string, name string) []option.Option {
	if u := env(name); u != "" {
		return []option.Option{option.WithBaseURL(u)}
	}
	return nil
}
