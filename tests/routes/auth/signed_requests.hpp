#pragma once

// What the authentication tests over the real server share: the access keys and tokens of
// strict_settings(), a client that signs requests in each credential form (auth.md §2, §4.1, §5), and the
// shapes of the refusals (auth.md §7).

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "routes/auth/authenticate.hpp"
#include "routes/auth/signing.hpp"
#include "routes/http/request.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {

inline const std::string ak = "EXAMPLEAK0000000AUTH";
inline const std::string sk = "exampleSecretKey0123456789abcdefEXAMPLESK";
inline const std::string bound_ak = "EXAMPLEAKBOUNDPROJECT";
inline const std::string bound_sk = "boundSecretKey0123456789abcdefBOUNDSK000";
inline const std::string temp_ak = "EXAMPLEAKTEMPORARY01";
inline const std::string temp_sk = "temporarySecretKey0123456789abcdefTEMPSK";
inline const std::string security_token = "tmpSecurityTokenExample";
inline const std::string open_token = "MIIopen-token-any-project";
inline const std::string bound_token = "MIIbound-token-one-project";
inline const std::string expiring_token = "MIItoken-expiring-2023-11-14T22:30:00Z";
inline const std::string now_date = "20231114T221320Z";  // the manual clock's start, 1'700'000'000'000 ms

inline routes::auth::auth_settings strict_settings() {
    routes::auth::auth_settings settings;
    settings.mode = routes::auth::auth_mode::strict;
    settings.credentials = {
        {ak, sk, "", ""}, {bound_ak, bound_sk, project_id, ""}, {temp_ak, temp_sk, "", security_token}};
    settings.tokens = {{open_token, "", "", std::nullopt},
                       {bound_token, project_id, "", std::nullopt},
                       {test_token, "", "", std::nullopt},
                       {expiring_token, "", "2023-11-14T22:30:00.000000Z", 1'700'001'000}};
    return settings;
}

inline routes::auth::auth_settings mode(routes::auth::auth_mode m) {
    routes::auth::auth_settings settings;
    settings.mode = m;
    return settings;
}

inline std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// The three ways a client signs with an AK/SK.
enum class signature_form {
    sdk,     // SDK-HMAC-SHA256 Access=... (auth.md §2)
    v11,     // V11-HMAC-SHA256 Credential=<AK>/<date>/<region>/<service> (auth.md §4.1)
    legacy,  // SDK-HMAC-SHA256 Credential=<AK>/<date>/<region>/dis/sdk_request (auth.md §5), DIS only
};

inline const char* form_name(signature_form form) {
    switch (form) {
        case signature_form::sdk:
            return "sdk";
        case signature_form::v11:
            return "v11";
        case signature_form::legacy:
            return "legacy";
    }
    return "?";
}

// What a client signs: every header it sets plus Host (as http_request sends it), names sorted.
struct signer {
    std::uint16_t port;
    std::string access_key = ak;
    std::string secret_key = sk;
    std::string date = now_date;
    std::string region = "cn-north-4";
    std::string content_type = "application/json";  // empty: none is sent
    // The canonical request ends with UNSIGNED-PAYLOAD instead of the body's hash, as the SDK core signs a
    // body it declares so (auth.md §2.1, §2.3); the declaration itself is the caller's `extra` header.
    bool unsigned_payload = false;

    std::string host() const { return "127.0.0.1:" + std::to_string(port); }

    std::string signed_names(header_list& headers) const {
        headers.emplace_back("Host", host());
        std::vector<std::string> names;
        for (const auto& [name, value] : headers) {
            if (name.find('_') == std::string::npos) names.push_back(lower(name));
        }
        std::sort(names.begin(), names.end());
        std::string joined;
        for (const auto& name : names) joined += (joined.empty() ? "" : ";") + name;
        return joined;
    }

    std::string canonical(const std::string& method, const std::string& target, const std::string& body,
                          const header_list& headers, const std::string& names,
                          routes::auth::signing::dialect rules) const {
        routes::request_context ctx;
        routes::parse_target(ctx, target);
        ctx.headers = headers;
        routes::auth::signing::signed_request request{method, ctx.raw_path, &ctx.query, &ctx.headers, body};
        request.unsigned_payload = unsigned_payload;
        return routes::auth::signing::canonical_request(request, names, rules);
    }

    header_list base(header_list extra) const {
        header_list headers;
        if (!content_type.empty()) headers.emplace_back("Content-Type", content_type);
        headers.emplace_back("X-Sdk-Date", date);
        headers.insert(headers.end(), extra.begin(), extra.end());
        return headers;
    }

    // The headers of a request signed in `form`: `extra` and Host are signed with the rest.
    header_list sign(signature_form form, const std::string& method, const std::string& target,
                     const std::string& body = {}, header_list extra = {}) const {
        namespace sg = routes::auth::signing;
        auto headers = base(std::move(extra));
        const auto names = signed_names(headers);
        const std::string day = date.substr(0, 8);
        switch (form) {
            case signature_form::sdk: {
                const auto signature = sg::sdk_signature(
                    secret_key, date, canonical(method, target, body, headers, names, sg::dialect::sdk_core));
                headers.emplace_back("Authorization", "SDK-HMAC-SHA256 Access=" + access_key +
                                                          ", SignedHeaders=" + names +
                                                          ", Signature=" + signature);
                break;
            }
            case signature_form::v11: {
                const std::string info = day + "/" + region + "/dis";
                const auto signature =
                    sg::v11_signature(access_key, secret_key, date, info,
                                      canonical(method, target, body, headers, names, sg::dialect::sdk_core));
                headers.emplace_back("Authorization", "V11-HMAC-SHA256 Credential=" + access_key + "/" +
                                                          info + ", SignedHeaders=" + names +
                                                          ", Signature=" + signature);
                break;
            }
            case signature_form::legacy: {
                const auto signature = sg::legacy_signature(
                    secret_key, date, day, region,
                    canonical(method, target, body, headers, names, sg::dialect::legacy_dis));
                headers.emplace_back("Authorization", "SDK-HMAC-SHA256 Credential=" + access_key + "/" + day +
                                                          "/" + region + "/dis/sdk_request, SignedHeaders=" +
                                                          names + ", Signature=" + signature);
                break;
            }
        }
        return headers;
    }

    header_list sdk(const std::string& method, const std::string& target, const std::string& body = {},
                    header_list extra = {}) const {
        return sign(signature_form::sdk, method, target, body, std::move(extra));
    }
    header_list v11(const std::string& method, const std::string& target, const std::string& body = {},
                    header_list extra = {}) const {
        return sign(signature_form::v11, method, target, body, std::move(extra));
    }
    header_list legacy(const std::string& method, const std::string& target, const std::string& body = {},
                       header_list extra = {}) const {
        return sign(signature_form::legacy, method, target, body, std::move(extra));
    }
};

inline header_list replaced(header_list headers, const std::string& name, const std::string& value) {
    for (auto& header : headers) {
        if (lower(header.first) == lower(name)) header.second = value;
    }
    return headers;
}

inline header_list with(header_list headers, const std::string& name, const std::string& value) {
    headers.emplace_back(name, value);
    return headers;
}

// The gateway's refusal: `status`, exactly error_code/error_msg/request_id, request_id equal to
// X-Request-Id, error_msg starting with `message_prefix`.
inline ::testing::AssertionResult is_gateway_error(const http_reply& reply, unsigned status,
                                                   const std::string& code,
                                                   const std::string& message_prefix) {
    const auto body = reply.json();
    const auto& id = reply.header("x-request-id");
    if (reply.status != status || !body.IsObject() || body.MemberCount() != 3 ||
        !body.HasMember("error_code") || !body.HasMember("error_msg") || !body.HasMember("request_id") ||
        !body["error_msg"].IsString() || body["error_code"] != code.c_str() ||
        body["request_id"] != id.c_str() || id.size() != 32 ||
        !std::string(body["error_msg"].GetString()).starts_with(message_prefix) ||
        reply.header("content-type") != "application/json;charset=UTF-8") {
        return ::testing::AssertionFailure()
               << reply.status << " " << reply.body << " (X-Request-Id " << id << ")";
    }
    return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult is_missing_credential(const http_reply& reply) {
    return is_gateway_error(reply, 401, "APIGW.0301",
                            "Incorrect IAM authentication information: x-auth-token not found");
}

inline ::testing::AssertionResult is_signature_failure(const http_reply& reply) {
    return is_gateway_error(reply, 401, "APIGW.0301",
                            "Incorrect IAM authentication information: verify aksk signature fail, ");
}

// DIS's own answers: exactly errorCode/message, and the X-Request-Id header.
inline ::testing::AssertionResult is_dis_answer(const http_reply& reply, unsigned status,
                                                const std::string& code, const std::string& message) {
    const auto body = reply.json();
    if (reply.status != status || !body.IsObject() || body.MemberCount() != 2 ||
        !body.HasMember("errorCode") || !body.HasMember("message") || body["errorCode"] != code.c_str() ||
        body["message"] != message.c_str() || reply.header("x-request-id").size() != 32) {
        return ::testing::AssertionFailure() << reply.status << " " << reply.body;
    }
    return ::testing::AssertionSuccess();
}

}  // namespace emu::test
