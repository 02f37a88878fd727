#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "routes/auth/limits.hpp"
#include "routes/http/api_error.hpp"
#include "routes/http/request.hpp"
#include "state/clock.hpp"

namespace emu::routes::auth {

// off: no checks. loose: a credential must be present and well-formed, any key or token is accepted.
// strict: signatures are verified against configured keys, tokens must be configured ones.
enum class auth_mode { off, loose, strict };

std::optional<auth_mode> parse_auth_mode(std::string_view name);
std::string_view auth_mode_name(auth_mode mode);

struct access_key {
    std::string ak;
    std::string sk;
    std::string project_id;      // empty: usable on every project
    std::string security_token;  // non-empty: a temporary credential, X-Security-Token must match
};

struct auth_token {
    std::string token;
    std::string project_id;  // empty: usable on every project
    std::string expires_at;  // as IAM writes it, e.g. 2026-11-25T09:00:00.000000Z; empty: never
    std::optional<std::int64_t> expires_s;  // expires_at in seconds since the epoch
};

struct auth_settings {
    auth_mode mode = auth_mode::loose;
    std::vector<access_key> credentials;
    std::vector<auth_token> tokens;
    // Huawei's gateway FAQ: X-Sdk-Date must be within 15 minutes of the server time (auth.md §2.6).
    std::chrono::seconds allowed_skew{15 * 60};
    state::clock_fn now_ms = state::system_now_ms;
    limit_settings limits;  // the AK lockout and the rate limit; both off unless set
    // Non-empty: every /_emulator/ route but ready and health needs "Authorization: Bearer <this>".
    std::string control_token;
};

// X-Sdk-Date (YYYYMMDDTHHMMSSZ, UTC) as seconds since the epoch; nullopt when malformed.
std::optional<std::int64_t> parse_sdk_date(std::string_view text);
// IAM's expires_at (YYYY-MM-DDTHH:MM:SS[.fraction]Z, UTC) as whole seconds since the epoch.
std::optional<std::int64_t> parse_iam_time(std::string_view text);

// Lets the request through or throws the api_error its route's service answers with (auth.md §7):
// the gateway's 401 APIGW.0301 for tokens and SDK-core signatures, DIS's 441 family for the legacy
// DIS signature on DIS routes, and each service's own answer for a credential bound to another project.
// With a guard, failed signatures of a configured key count towards its lockout. Answers the credential
// the request presented (an access key or a token, a view into ctx), or nothing in off mode.
std::string_view authenticate(const auth_settings& settings, const request_context& ctx, service family,
                              limits* guard = nullptr);

}  // namespace emu::routes::auth
