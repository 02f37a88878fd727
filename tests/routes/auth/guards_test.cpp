// The gateway's optional guards (auth.md §7.1: the AK lockout and the 429 rate limit) and the control-plane
// token: each off by default, each with the gateway's codes when on.
#include <gtest/gtest.h>

#include "routes/auth/authenticate.hpp"
#include "routes/auth/limits.hpp"
#include "tests/support/dis_client.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

using namespace std::chrono_literals;

const std::string ak = "EXAMPLEAK0000000GUARD";
const std::string sk = "guardSecretKey0123456789abcdefGUARDSK00";
const std::string other_ak = "EXAMPLEAK0000000OTHER";
const std::string other_sk = "otherSecretKey0123456789abcdefOTHERSK00";
const std::string locked_message =
    "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden.";

routes::auth::auth_settings strict_with(routes::auth::limit_settings limits) {
    routes::auth::auth_settings settings;
    settings.mode = routes::auth::auth_mode::strict;
    settings.credentials = {{ak, sk, "", ""}, {other_ak, other_sk, "", ""}};
    settings.tokens = {{test_token, "", "", std::nullopt}};
    settings.limits = limits;
    return settings;
}

// Exactly the gateway's body: error_code, error_msg and request_id.
::testing::AssertionResult is_gateway(const http_reply& reply, unsigned status, const std::string& code,
                                      const std::string& message) {
    const auto body = reply.json();
    if (reply.status == status && body.IsObject() && body.MemberCount() == 3 &&
        body.HasMember("error_code") && body["error_code"] == code.c_str() && body.HasMember("error_msg") &&
        body["error_msg"] == message.c_str() && body.HasMember("request_id") &&
        body["request_id"] == reply.header("x-request-id").c_str()) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << reply.status << " " << reply.body;
}

std::string apps_path() {
    return "/v2/" + project_id + "/apps";
}

std::string app_body(const std::string& name) {
    return R"({"app_name":")" + name + R"("})";
}

// ==== the lockout =====================================================================================

TEST(limits, a_key_locks_on_the_nth_failure_in_a_row_and_unlocks_after_the_duration) {
    routes::auth::limits guard({.lockout_failures = 3, .lockout_duration = 60s});
    const std::int64_t t0 = 1'000'000;
    guard.failed(ak, t0);
    guard.failed(ak, t0);
    EXPECT_NO_THROW(guard.check_not_locked(ak, t0));
    guard.failed(ak, t0);
    EXPECT_THROW(guard.check_not_locked(ak, t0), routes::api_error);
    EXPECT_THROW(guard.check_not_locked(ak, t0 + 59'999), routes::api_error);
    EXPECT_NO_THROW(guard.check_not_locked(ak, t0 + 60'000));
    EXPECT_NO_THROW(guard.check_not_locked(other_ak, t0));
}

TEST(limits, a_success_forgives_the_failures_before_it) {
    routes::auth::limits guard({.lockout_failures = 2});
    guard.failed(ak, 0);
    guard.succeeded(ak);
    guard.failed(ak, 0);
    EXPECT_NO_THROW(guard.check_not_locked(ak, 0));
    guard.failed(ak, 0);
    EXPECT_THROW(guard.check_not_locked(ak, 0), routes::api_error);
}

TEST(limits, both_guards_are_off_by_default) {
    routes::auth::limits guard;
    for (int i = 0; i < 100; ++i) {
        guard.failed(ak, 0);
        guard.admit(ak, 0);
    }
    EXPECT_NO_THROW(guard.check_not_locked(ak, 0));
    EXPECT_NO_THROW(guard.admit(ak, 0));
}

TEST(ak_lockout, repeated_bad_signatures_lock_the_key_even_for_good_ones_until_the_lock_ends) {
    test_server server(strict_with({.lockout_failures = 3, .lockout_duration = 300s}));
    const sdk_client good(server, ak, sk);
    const sdk_client forger(server, ak, "not-the-secret");
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(forger.call("POST", "/apps", {}, app_body("forged")).status, 401U);
    }
    // Locked: the right secret does not help, and nothing is stored.
    EXPECT_TRUE(
        is_gateway(good.call("POST", "/apps", {}, app_body("a1")), 401, "APIGW.0301", locked_message));
    EXPECT_TRUE(is_gateway(good.call("GET", "/apps"), 401, "APIGW.0301", locked_message));
    // Other keys and tokens are not affected.
    EXPECT_EQ(sdk_client(server, other_ak, other_sk).call("GET", "/apps").status, 200U);
    EXPECT_EQ(server.request("GET", apps_path()).json()["total_number"].GetInt(), 0);
    server.clock().now_ms += 300'000;
    EXPECT_EQ(good.call("POST", "/apps", {}, app_body("a1")).status, 201U);
}

TEST(ak_lockout, failures_must_be_consecutive) {
    test_server server(strict_with({.lockout_failures = 2}));
    const sdk_client good(server, ak, sk);
    const sdk_client forger(server, ak, "not-the-secret");
    EXPECT_EQ(forger.call("GET", "/apps").status, 401U);
    EXPECT_EQ(good.call("GET", "/apps").status, 200U);
    EXPECT_EQ(forger.call("GET", "/apps").status, 401U);
    EXPECT_EQ(good.call("GET", "/apps").status, 200U);
}

TEST(ak_lockout, is_off_by_default) {
    test_server server(strict_with({}));
    const sdk_client forger(server, ak, "not-the-secret");
    for (int i = 0; i < 20; ++i) EXPECT_EQ(forger.call("GET", "/apps").status, 401U);
    EXPECT_EQ(sdk_client(server, ak, sk).call("GET", "/apps").status, 200U);
}

// ==== the rate limit ==================================================================================

TEST(rate_limit, a_credential_gets_its_requests_per_minute_then_429) {
    test_server server(strict_with({.rate_limit = 3}));
    const sdk_client client(server, ak, sk);
    EXPECT_EQ(client.call("POST", "/apps", {}, app_body("a1")).status, 201U);
    EXPECT_EQ(client.call("GET", "/apps").status, 200U);
    EXPECT_EQ(client.call("GET", "/apps").status, 200U);
    const std::string over =
        "The throttling threshold has been reached: policy user over ratelimit,limit:3,time:1 minute";
    EXPECT_TRUE(is_gateway(client.call("POST", "/apps", {}, app_body("a2")), 429, "APIGW.0308", over));
    // Each credential has its own budget.
    EXPECT_EQ(sdk_client(server, other_ak, other_sk).call("GET", "/apps").status, 200U);
    EXPECT_EQ(server.request("GET", apps_path()).status, 200U);  // the test token
    // The refused request stored nothing; the next minute starts afresh.
    server.clock().now_ms += 60'000;
    const auto apps = client.call("GET", "/apps").json();
    EXPECT_EQ(apps["total_number"].GetInt(), 1);
}

TEST(rate_limit, refused_credentials_use_no_budget_and_loose_mode_counts_per_token) {
    routes::auth::auth_settings loose;
    loose.limits.rate_limit = 1;
    test_server server(loose);
    EXPECT_EQ(server.request("GET", apps_path(), {}, {{"X-Auth-Token", "MIIone"}}).status, 200U);
    EXPECT_EQ(server.request("GET", apps_path(), {}, {{"X-Auth-Token", "MIIone"}}).status, 429U);
    EXPECT_EQ(server.request("GET", apps_path(), {}, {{"X-Auth-Token", "MIItwo"}}).status, 200U);
    // No credential at all: refused by authentication first.
    EXPECT_EQ(server.request("GET", apps_path(), {}, {{"Authorization", ""}}).status, 401U);
}

// ==== the control-plane token =========================================================================

TEST(control_token, guards_every_emulator_route_but_the_probes) {
    routes::auth::auth_settings settings;
    settings.control_token = "s3cret-token";
    test_server server(settings);
    const std::string refused =
        "The emulator's control plane needs Authorization: Bearer <the --control-token>.";
    EXPECT_TRUE(is_gateway(server.request("GET", "/_emulator/state"), 401, "EMU.0401", refused));
    EXPECT_TRUE(is_gateway(server.request("GET", "/_emulator/state", {}, {{"Authorization", "Bearer wrong"}}),
                           401, "EMU.0401", refused));
    EXPECT_TRUE(is_gateway(server.request("GET", "/_emulator/state", {}, {{"Authorization", "s3cret-token"}}),
                           401, "EMU.0401", refused));
    EXPECT_EQ(
        server.request("GET", "/_emulator/state", {}, {{"Authorization", "Bearer s3cret-token"}}).status,
        200U);
    EXPECT_EQ(
        server.request("GET", "/_emulator/metrics", {}, {{"Authorization", "bearer s3cret-token"}}).status,
        200U);
    // A refused reset resets nothing.
    server.request("POST", apps_path(), app_body("kept"));
    EXPECT_EQ(server.request("POST", "/_emulator/reset").status, 401U);
    EXPECT_EQ(server.request("GET", apps_path()).json()["total_number"].GetInt(), 1);
    // The probes stay open, and the cloud API keeps its own credentials.
    EXPECT_EQ(server.request("GET", "/_emulator/ready").status, 200U);
    EXPECT_EQ(server.request("GET", "/_emulator/health").status, 200U);
    EXPECT_EQ(server.request("GET", apps_path()).status, 200U);
}

TEST(control_token, without_it_the_control_plane_is_open) {
    test_server server;
    EXPECT_EQ(server.request("GET", "/_emulator/state").status, 200U);
    EXPECT_EQ(server.request("DELETE", "/_emulator/requests").status, 204U);
}

}  // namespace
}  // namespace emu::test
