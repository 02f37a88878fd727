// The Authorization header parser and the checks behind it (SDK-HMAC-SHA256, V11-HMAC-SHA256, the legacy
// DIS form), with the X-Sdk-Date parser. Input: the Authorization value, then optionally a newline and the
// X-Sdk-Date value, then optionally a newline and an X-Security-Token. Every input is checked in loose and
// strict mode on a DMS and a DIS route: it is let through or refused with an api_error, nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.hpp"
#include "routes/auth/authenticate.hpp"
#include "routes/http/api_error.hpp"

namespace {

using emu::routes::auth::auth_mode;
using emu::routes::auth::auth_settings;

constexpr std::int64_t now_ms = 1'700'000'100'000;

auth_settings settings_for(auth_mode mode) {
    auth_settings settings;
    settings.mode = mode;
    settings.now_ms = [] { return now_ms; };
    settings.credentials.push_back(
        {"FUZZAKEXAMPLE000001", "fuzz-secret-key", std::string(emu::fuzz::project_id), {}});
    settings.credentials.push_back({"FUZZAKTEMPORARY0002", "fuzz-temporary-key", {}, "fuzz-security-token"});
    settings.tokens.push_back(
        {"MIIfuzz-token", {}, "2023-11-15T00:00:00.000000Z", std::int64_t{1'700'006'400}});
    return settings;
}

std::string_view next_line(std::string_view& rest) {
    const auto newline = rest.find('\n');
    const auto line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auth_settings loose = settings_for(auth_mode::loose);
    static const auth_settings strict = settings_for(auth_mode::strict);
    auto rest = emu::fuzz::as_text(data, size);
    const auto authorization = next_line(rest);
    const auto sdk_date = next_line(rest);
    const auto security_token = rest;
    (void)emu::routes::auth::parse_sdk_date(sdk_date);
    (void)emu::routes::auth::parse_iam_time(sdk_date);

    const std::string v2 = "/v2/" + std::string(emu::fuzz::project_id);
    const struct {
        std::string target;
        emu::routes::service family;
    } requests[] = {
        {v2 + "/instances/" + std::string(emu::fuzz::instance_id) + "/topics?offset=0&limit=10",
         emu::routes::service::dms},
        {v2 + "/checkpoints?app_name=billing&stream_name=orders&partition_id=0&checkpoint_type=LAST_READ",
         emu::routes::service::dis},
    };
    for (const auto& request : requests) {
        auto ctx = emu::fuzz::make_request("GET", request.target, {});
        ctx.headers = {{"Host", "127.0.0.1:9780"},
                       {"Content-Type", "application/json"},
                       {"Authorization", std::string(authorization)}};
        if (!sdk_date.empty()) ctx.headers.emplace_back("X-Sdk-Date", std::string(sdk_date));
        if (!security_token.empty())
            ctx.headers.emplace_back("X-Security-Token", std::string(security_token));
        ctx.params = {{"project_id", std::string(emu::fuzz::project_id)}};
        for (const auto* settings : {&loose, &strict}) {
            try {
                emu::routes::auth::authenticate(*settings, ctx, request.family);
            } catch (const emu::routes::api_error& error) {
                if (error.status() >= 500) {
                    std::fprintf(stderr, "authentication answered %u\n", error.status());
                    std::abort();
                }
            }
        }
    }
    return 0;
}
