package participants_test

import (
	"testing"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// The Client converts driver codes and outcomes to the user's by value:
// each pair must be the same value with the same name.
func TestDriverValuesMatchTheUsers(t *testing.T) {
	codes := map[driver.ErrorCode]participants.ErrorCode{
		driver.OK: participants.OK, driver.Unknown: participants.Unknown, driver.NotFound: participants.NotFound,
		driver.AlreadyExists: participants.AlreadyExists, driver.InvalidArgument: participants.InvalidArgument,
		driver.Unimplemented: participants.Unimplemented, driver.Unauthenticated: participants.Unauthenticated,
		driver.PermissionDenied: participants.PermissionDenied, driver.RateLimited: participants.RateLimited,
		driver.Unavailable: participants.Unavailable, driver.Canceled: participants.Canceled,
		driver.DeadlineExceeded: participants.DeadlineExceeded, driver.FailedPrecondition: participants.FailedPrecondition,
	}
	if len(codes) != 13 {
		t.Fatalf("%d codes", len(codes))
	}
	for d, p := range codes {
		if participants.ErrorCode(d) != p || d.String() != p.String() {
			t.Errorf("driver %v (%d) is participants %v (%d)", d, int(d), p, int(p))
		}
	}
	outcomes := map[driver.Outcome]participants.Outcome{
		driver.Unreported: participants.Unreported, driver.Added: participants.Added,
		driver.AlreadyPresent: participants.AlreadyPresent, driver.Removed: participants.Removed,
		driver.AlreadyAbsent: participants.AlreadyAbsent, driver.Updated: participants.Updated,
	}
	for d, p := range outcomes {
		if participants.Outcome(d) != p {
			t.Errorf("driver outcome %d is participants %v", int(d), p)
		}
	}
	for _, k := range [][2]string{
		{string(driver.KindContact), string(participants.KindContact)}, {string(driver.KindUser), string(participants.KindUser)},
		{string(driver.KindBot), string(participants.KindBot)}, {string(driver.ChannelSMS), string(participants.ChannelSMS)},
		{string(driver.ChannelWhatsApp), string(participants.ChannelWhatsApp)}, {string(driver.StatusActive), string(participants.StatusActive)},
		{string(driver.StatusInvited), string(participants.StatusInvited)}, {string(driver.StatusPending), string(participants.StatusPending)},
	} {
		if k[0] != k[1] {
			t.Errorf("driver %q, participants %q", k[0], k[1])
		}
	}
}
