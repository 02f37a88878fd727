// The Authorization header parser and the checks behind it (SDK-HMAC-SHA256, V11-HMAC-SHA256, the legacy
// DIS form), with the X-Sdk-Date parser, the X-Sdk-Content-Sha256 declaration and the refusal of repeated
// credential headers. Input, one line each: the Authorization value, the X-Sdk-Date value, an
// X-Security-Token, an X-Sdk-Content-Sha256 value (each sent only when not empty), a line whose bytes each
// repeat one credential header (below); the rest is the body. Every input is checked in loose and strict
// mode on a DMS and a DIS route, by authenticate() alone (let through or refused with an api_error,
// nothing else) and through the whole pipeline on a DMS and a DIS create and a control route: never a 5xx,
// and with a credential header given twice, always 400 APIGW.0201 naming one that is.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "routes/auth/authenticate.hpp"
#include "routes/http/api_error.hpp"
#include "routes/http/text.hpp"
#include "routes/pipeline.hpp"

namespace {

using emu::routes::auth::auth_mode;
using emu::routes::auth::auth_settings;

constexpr std::int64_t now_ms = 1'700'000'100'000;
constexpr std::size_t max_repeats = 8;

// The headers the pipeline refuses to see twice (routes/pipeline.cpp), in its order.
constexpr std::string_view credential_headers[] = {"Authorization",    "X-Auth-Token",         "X-Sdk-Date",
                                                   "X-Security-Token", "X-Sdk-Content-Sha256", "Host"};

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

// The route table in strict mode with the keys above; the fuzz app's own pipeline is the loose one.
const emu::routes::pipeline& strict_pipeline() {
    static const emu::routes::pipeline pipeline = [] {
        auto p = emu::routes::make_pipeline();
        p.set_auth(settings_for(auth_mode::strict));
        return p;
    }();
    return pipeline;
}

std::string_view next_line(std::string_view& rest) {
    const auto newline = rest.find('\n');
    const auto line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
    return line;
}

std::string spelled(std::string_view name, unsigned how) {
    std::string out(name);
    for (auto& c : out) {
        if (how == 1 && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (how == 2 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

// The request's headers: those the input gives once, then one more copy for each byte of `repeats`: the
// header named by byte % 6, spelled as is, in lower or in upper case (byte / 6 % 3), with the value it
// already has or, when absent or byte / 18 is odd, another one.
emu::routes::string_pairs headers_of(std::string_view authorization, std::string_view sdk_date,
                                     std::string_view security_token, std::string_view content_sha256,
                                     std::string_view repeats) {
    emu::routes::string_pairs headers{{"Host", "127.0.0.1:9780"},
                                      {"Content-Type", "application/json"},
                                      {"Authorization", std::string(authorization)}};
    if (!sdk_date.empty()) headers.emplace_back("X-Sdk-Date", std::string(sdk_date));
    if (!security_token.empty()) headers.emplace_back("X-Security-Token", std::string(security_token));
    if (!content_sha256.empty()) headers.emplace_back("X-Sdk-Content-Sha256", std::string(content_sha256));
    for (std::size_t i = 0; i < repeats.size() && i < max_repeats; ++i) {
        const auto byte = static_cast<unsigned char>(repeats[i]);
        const auto name = credential_headers[byte % 6];
        std::string value = "MIIfuzz-token";
        bool found = false;
        for (const auto& [present, present_value] : headers) {
            if (!found && emu::routes::iequals(present, name)) {
                value = present_value;
                found = true;
            }
        }
        if (byte / 18 % 2 == 1) value += "0";
        headers.emplace_back(spelled(name, byte / 6 % 3), std::move(value));
    }
    return headers;
}

// The credential header the pipeline must name, if any is there more than once.
std::vector<std::string_view> repeated(const emu::routes::string_pairs& headers) {
    std::vector<std::string_view> out;
    for (const auto name : credential_headers) {
        int seen = 0;
        for (const auto& header : headers) seen += emu::routes::iequals(header.first, name) ? 1 : 0;
        if (seen > 1) out.push_back(name);
    }
    return out;
}

[[noreturn]] void fail(const char* what, const emu::routes::response& answer) {
    std::fprintf(stderr, "%s: %u %s\n", what, answer.status, answer.body.c_str());
    std::abort();
}

// A repeated credential header: 400 APIGW.0201 naming one of them. None: never that refusal.
void check_repetition(const emu::routes::response& answer, const std::vector<std::string_view>& twice) {
    rapidjson::Document body;
    body.Parse(answer.body.c_str(), answer.body.size());
    const bool refused =
        answer.status == 400 && body.IsObject() && body.HasMember("error_code") &&
        body["error_code"] == "APIGW.0201" && body.HasMember("error_msg") && body["error_msg"].IsString() &&
        std::string_view(body["error_msg"].GetString()).find("more than one") != std::string_view::npos;
    if (twice.empty()) {
        if (refused) fail("a repeated-header refusal without a repeated header", answer);
        return;
    }
    if (!refused) fail("a repeated credential header was not refused", answer);
    const std::string_view message = body["error_msg"].GetString();
    for (const auto name : twice) {
        if (message == "API request error: the request has more than one " + std::string(name) + " header.")
            return;
    }
    fail("the refusal names a header that is not repeated", answer);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auth_settings loose = settings_for(auth_mode::loose);
    static const auth_settings strict = settings_for(auth_mode::strict);
    auto rest = emu::fuzz::as_text(data, size);
    const auto authorization = next_line(rest);
    const auto sdk_date = next_line(rest);
    const auto security_token = next_line(rest);
    const auto content_sha256 = next_line(rest);
    const auto repeats = next_line(rest);
    const std::string body(rest);
    (void)emu::routes::auth::parse_sdk_date(sdk_date);
    (void)emu::routes::auth::parse_iam_time(sdk_date);
    const auto headers = headers_of(authorization, sdk_date, security_token, content_sha256, repeats);
    const auto twice = repeated(headers);

    const std::string v2 = "/v2/" + std::string(emu::fuzz::project_id);
    const std::string instance = v2 + "/instances/" + std::string(emu::fuzz::instance_id);
    // authenticate() alone: whatever the headers, repeated or not, an api_error below 500 at most.
    const struct {
        std::string method;
        std::string target;
        emu::routes::service family;
    } requests[] = {
        {"GET", instance + "/topics?offset=0&limit=10", emu::routes::service::dms},
        {"POST", instance + "/topics", emu::routes::service::dms},
        {"GET",
         v2 + "/checkpoints?app_name=billing&stream_name=orders&partition_id=0&checkpoint_type=LAST_READ",
         emu::routes::service::dis},
        {"POST", v2 + "/records", emu::routes::service::dis},
    };
    for (const auto& request : requests) {
        auto ctx =
            emu::fuzz::make_request(request.method, request.target, request.method == "GET" ? "" : body);
        ctx.headers = headers;
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

    // The whole pipeline, which refuses repeated credentials before authentication or any handler.
    auto st = emu::fuzz::seeded_state();
    const struct {
        std::string method;
        std::string target;
    } routed[] = {{"POST", v2 + "/records"}, {"POST", instance + "/topics"}, {"GET", "/_emulator/ready"}};
    for (const auto* pipeline : {&emu::fuzz::default_pipeline(), &strict_pipeline()}) {
        for (const auto& route : routed) {
            auto ctx = emu::fuzz::make_request(route.method, route.target, body);
            ctx.headers = headers;
            const auto answer = pipeline->handle(ctx, *st);
            emu::fuzz::check_answer(answer, "auth pipeline");
            check_repetition(answer, twice);
        }
    }
    return 0;
}
