#include "routes/auth/authenticate.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "routes/auth/signing.hpp"
#include "routes/http/media_type.hpp"
#include "routes/http/text.hpp"

namespace emu::routes::auth {

namespace {

constexpr std::string_view iam_prefix = "Incorrect IAM authentication information: ";

// ---- answers (auth.md §7) -------------------------------------------------------------------------

api_error iam_error(std::string_view detail) {
    return gateway_error(401, "APIGW.0301", std::string(iam_prefix) + std::string(detail));
}

api_error signature_failure(std::string_view detail) {
    return iam_error("verify aksk signature fail, " + std::string(detail));
}

// A key or token bound to one project, used on another's path. DIS names the project ID as invalid
// (dis-api.md §8.2 DIS.4117, as for a mismatching X-Project-Id); DMS has its own code for exactly this
// (dms-kafka-api.md §8.3 DMS.10240104); anything else is the gateway's authorization refusal (§7.1).
api_error project_mismatch(service family, const std::string& path_project) {
    switch (family) {
        case service::dis:
            return dis_error("DIS.4117", {path_project});
        case service::dms:
            return dms_error(401, "DMS.10240104", "The project ID and token do not match.");
        case service::gateway:
            break;
    }
    return gateway_error(403, "APIGW.0302", "The IAM user is not authorized to access the API.");
}

// ---- parsing the Authorization header -------------------------------------------------------------

bool is_digits(std::string_view text, std::size_t length) {
    return text.size() == length &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// "<ALGORITHM> Name=value, Name=value, ...", lenient about spaces after the commas.
struct authorization {
    std::string_view algorithm;
    std::vector<std::pair<std::string_view, std::string_view>> fields;

    std::optional<std::string_view> field(std::string_view name) const {
        for (const auto& [key, value] : fields) {
            if (key == name) return value;
        }
        return std::nullopt;
    }
    bool has_fields(std::initializer_list<std::string_view> names) const {
        if (fields.size() != names.size()) return false;
        return std::equal(names.begin(), names.end(), fields.begin(),
                          [](std::string_view name, const auto& f) { return name == f.first; });
    }
};

std::optional<authorization> parse_authorization(std::string_view header) {
    const auto space = header.find(' ');
    if (space == std::string_view::npos || space == 0) return std::nullopt;
    authorization out{header.substr(0, space), {}};
    for (const auto piece : signing::split(header.substr(space + 1), ',')) {
        const auto item = trim(piece);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0) return std::nullopt;
        out.fields.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    return out;
}

bool well_formed_signed_headers(std::string_view list) {
    if (list.empty()) return false;
    const auto names = signing::split(list, ';');
    return std::all_of(names.begin(), names.end(), [](std::string_view name) {
        return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
            return std::isgraph(c) != 0 && std::isupper(c) == 0;
        });
    });
}

// The DIS SDKs' forms (§5, dis-native-sdks.md §2): SDK-HMAC-SHA256 Credential=..., and the Python SDK's
// V11-HMAC-SHA256 Credential=<AK>/<date>/<region>/dis/sdk_request, whose five parts tell it from the SDK
// core's four-part V11 (§4.1).
bool is_dis_sdk_form(std::string_view header, const std::optional<authorization>& parsed) {
    if (parsed && parsed->algorithm == signing::v11_algorithm) {
        const auto credential = parsed->field("Credential");
        return credential && signing::split(*credential, '/').size() == 5;
    }
    return header.find("Credential=") != std::string_view::npos;
}

// ---- shared checks -----------------------------------------------------------------------------

const access_key* find_key(const auth_settings& settings, std::string_view ak) {
    for (const auto& key : settings.credentials) {
        if (key.ak == ak) return &key;
    }
    return nullptr;
}

bool within_skew(const auth_settings& settings, std::int64_t signed_at_seconds) {
    const std::int64_t now_seconds = settings.now_ms() / 1000;
    const std::int64_t skew =
        now_seconds > signed_at_seconds ? now_seconds - signed_at_seconds : signed_at_seconds - now_seconds;
    return skew <= settings.allowed_skew.count();
}

signing::signed_request to_sign(const request_context& ctx) {
    return signing::signed_request{ctx.method, ctx.raw_path, &ctx.query, &ctx.headers, ctx.body};
}

std::string pipe_separated(std::string text) {
    std::replace(text.begin(), text.end(), '\n', '|');
    return text;
}

void check_project(const std::string& bound_project, const request_context& ctx, service family) {
    const auto& path_project = ctx.param("project_id");
    if (!bound_project.empty() && !path_project.empty() && bound_project != path_project) {
        throw project_mismatch(family, path_project);
    }
}

// §2.7 step 6: a temporary credential's security token is signed and must be the configured one.
void check_security_token(const access_key& key, const request_context& ctx,
                          std::string_view signed_headers) {
    const auto* sent = ctx.header("X-Security-Token");
    if (sent != nullptr) {
        const auto names = signing::split_signed_headers(signed_headers);
        if (std::find(names.begin(), names.end(), "x-security-token") == names.end()) {
            throw signature_failure("X-Security-Token is not signed");
        }
    }
    if (key.security_token.empty()) return;
    if (sent == nullptr || !signing::constant_time_equal(*sent, key.security_token)) {
        throw signature_failure("X-Security-Token does not match the temporary credential");
    }
}

// ---- the SDK core's forms: SDK-HMAC-SHA256 Access=... and V11-HMAC-SHA256 (§2, §4.1) -------------------

struct core_signature {
    std::string_view ak;
    std::string_view signed_headers;
    std::string_view signature;
    std::string info;  // V11 only: <YYYYMMDD>/<region>/<service>
};

// No region or service name is this long; the bound keeps HKDF's info within what OpenSSL takes.
constexpr std::size_t max_scope_part = 128;

core_signature parse_core_form(const std::optional<authorization>& parsed) {
    constexpr std::string_view expected =
        "the Authorization header is not \"SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<64 "
        "hex>\"";
    if (!parsed) throw signature_failure(expected);
    if (parsed->algorithm == signing::sdk_algorithm) {
        if (!parsed->has_fields({"Access", "SignedHeaders", "Signature"})) throw signature_failure(expected);
        core_signature out{
            *parsed->field("Access"), *parsed->field("SignedHeaders"), *parsed->field("Signature"), {}};
        if (out.ak.empty() || !well_formed_signed_headers(out.signed_headers) ||
            !is_lower_hex(out.signature, 64)) {
            throw signature_failure(expected);
        }
        return out;
    }
    if (parsed->algorithm == signing::v11_algorithm) {
        constexpr std::string_view v11_expected =
            "the Authorization header is not \"V11-HMAC-SHA256 "
            "Credential=<AK>/<YYYYMMDD>/<region>/<service>, "
            "SignedHeaders=<names>, Signature=<64 hex>\"";
        if (!parsed->has_fields({"Credential", "SignedHeaders", "Signature"}))
            throw signature_failure(v11_expected);
        const auto credential = *parsed->field("Credential");
        const auto parts = signing::split(credential, '/');
        const bool scope_ok = parts.size() == 4 && !parts[0].empty() && is_digits(parts[1], 8) &&
                              !parts[2].empty() && !parts[3].empty() && parts[2].size() <= max_scope_part &&
                              parts[3].size() <= max_scope_part;
        core_signature out{parts[0], *parsed->field("SignedHeaders"), *parsed->field("Signature"), {}};
        if (!scope_ok || !well_formed_signed_headers(out.signed_headers) ||
            !is_lower_hex(out.signature, 64)) {
            throw signature_failure(v11_expected);
        }
        out.info = std::string(credential.substr(parts[0].size() + 1));
        return out;
    }
    // SDK-HMAC-SM3, SDK-ECDSA-P256-SHA256, SDK-SM2-SM3 and anything else (§4.2 default).
    throw signature_failure("unsupported signing algorithm " + std::string(parsed->algorithm));
}

// §2.3 read as a security rule: the canonical request ends with the hash of the bytes received, so a
// captured signature cannot carry another body. X-Sdk-Content-Sha256 is a declaration that is checked,
// never trusted: the body's own hash, or UNSIGNED-PAYLOAD, signed, where the SDK core sends it (§2.1) and
// only for a body the emulator never reads: one with a Content-Type other than JSON, BSON or protobuf,
// which every route refuses before its handler. A body without Content-Type is read as JSON, so it cannot
// go unsigned. Anything else is refused like a bad signature. The answer: whether the canonical request
// ends with UNSIGNED-PAYLOAD.
bool declares_unsigned_payload(const request_context& ctx, std::string_view signed_headers) {
    const auto* declared = ctx.header("X-Sdk-Content-Sha256");
    if (declared == nullptr) return false;
    const auto value = trim(*declared);
    if (value == signing::unsigned_payload) {
        if (ctx.body.empty()) return false;  // the SDK core hashes an empty body whatever it declares
        const auto* type = ctx.header("Content-Type");
        const std::string media = type == nullptr ? std::string() : ascii_lowered(trim(*type));
        if (type == nullptr || is_json_media_type(media) || media.starts_with("application/bson") ||
            media.starts_with("application/x-protobuf")) {
            throw signature_failure("X-Sdk-Content-Sha256 UNSIGNED-PAYLOAD is not allowed for a " +
                                    (type == nullptr ? std::string("body without Content-Type (read as JSON)")
                                                     : media + " body"));
        }
        const auto names = signing::split_signed_headers(signed_headers);
        if (std::find(names.begin(), names.end(), "x-sdk-content-sha256") == names.end()) {
            throw signature_failure("X-Sdk-Content-Sha256 is not signed");
        }
        return true;
    }
    if (ascii_lowered(value) != signing::sha256_hex(ctx.body)) {
        throw signature_failure("X-Sdk-Content-Sha256 is not the SHA-256 of the body received");
    }
    return false;
}

// A signed header given twice: the signature covers its first copy, and which one a handler or a proxy
// reads is a guess. Refused like a bad signature, in the form's own words.
std::optional<std::string> repeated_signed_header(const request_context& ctx,
                                                  std::string_view signed_headers) {
    for (const auto name : signing::split(signed_headers, ';')) {
        int seen = 0;
        for (const auto& header : ctx.headers) {
            if (iequals(header.first, name) && ++seen > 1) return std::string(name);
        }
    }
    return std::nullopt;
}

// Runs the checks of a found key's signature; a refusal counts against the key when a lockout is on.
template <typename Checks>
void verify_key(limits* guard, const auth_settings& settings, const access_key& key, Checks&& checks) {
    if (guard == nullptr) return checks();
    guard->check_not_locked(key.ak, settings.now_ms());
    try {
        checks();
    } catch (const api_error&) {
        guard->failed(key.ak, settings.now_ms());
        throw;
    }
    guard->succeeded(key.ak);
}

void authenticate_core_signature(const auth_settings& settings, const request_context& ctx, service family,
                                 const std::optional<authorization>& parsed, limits* guard) {
    const auto form = parse_core_form(parsed);
    const auto* date = ctx.header("X-Sdk-Date");
    const auto signed_at = date == nullptr ? std::nullopt : parse_sdk_date(*date);
    if (!signed_at) throw signature_failure("X-Sdk-Date is missing or not in the YYYYMMDDTHHMMSSZ format");
    if (!form.info.empty() && !form.info.starts_with(std::string_view(*date).substr(0, 8))) {
        throw signature_failure("the date of the Credential scope is not the date of X-Sdk-Date");
    }
    if (settings.mode != auth_mode::strict) return;

    const auto* key = find_key(settings, form.ak);
    if (key == nullptr) {
        throw iam_error("Get secretKey failed,ak:" + std::string(form.ak) + ",err:ak not exist");
    }
    verify_key(guard, settings, *key, [&] {
        if (!within_skew(settings, *signed_at)) {
            throw signature_failure("X-Sdk-Date " + *date + " is more than " +
                                    std::to_string(settings.allowed_skew.count() / 60) +
                                    " minutes from the server time");
        }
        if (const auto repeated = repeated_signed_header(ctx, form.signed_headers)) {
            throw signature_failure("the signed header " + *repeated + " is given more than once");
        }
        auto request = to_sign(ctx);
        request.unsigned_payload = declares_unsigned_payload(ctx, form.signed_headers);
        const auto canonical = signing::canonical_request(request, form.signed_headers);
        const auto expected = form.info.empty()
                                  ? signing::sdk_signature(key->sk, *date, canonical)
                                  : signing::v11_signature(key->ak, key->sk, *date, form.info, canonical);
        if (!signing::constant_time_equal(expected, form.signature)) {
            throw signature_failure("canonical request: " + pipe_separated(canonical));
        }
        check_security_token(*key, ctx, form.signed_headers);
    });
    check_project(key->project_id, ctx, family);
}

// ---- the DIS SDKs' forms: <SDK-HMAC-SHA256|V11-HMAC-SHA256> Credential=<AK>/<date>/<region>/dis/sdk_request

struct legacy_signature {
    std::string_view ak;
    std::string_view date;
    std::string_view region;
    std::string_view signed_headers;
    std::string_view signature;
    bool derived = false;  // V11-HMAC-SHA256: the Python SDK's derived key (dis-native-sdks.md §2.3)
};

// DIS's own 441 answers name the piece of the header at fault (dis-api.md §8.2), whichever algorithm.
legacy_signature parse_legacy_form(const std::optional<authorization>& parsed) {
    if (!parsed ||
        (parsed->algorithm != signing::sdk_algorithm && parsed->algorithm != signing::v11_algorithm)) {
        throw dis_error("DIS.4102");
    }
    const auto credential = parsed->field("Credential");
    const auto signed_headers = parsed->field("SignedHeaders");
    const auto signature = parsed->field("Signature");
    if (!credential || !signed_headers || !signature || signature->empty()) throw dis_error("DIS.4109");
    const auto parts = signing::split(*credential, '/');
    if (parts[0].empty()) throw dis_error("DIS.4106");
    if (parts.size() != 5) throw dis_error("DIS.4102");
    if (parts[3] != "dis") throw dis_error("DIS.4108");
    if (parts[2].empty() || parts[2].size() > max_scope_part) throw dis_error("DIS.4111");
    if (!is_digits(parts[1], 8) || parts[4] != "sdk_request") throw dis_error("DIS.4102");
    if (signed_headers->empty()) throw dis_error("DIS.4110");
    if (!well_formed_signed_headers(*signed_headers) || !is_lower_hex(*signature, 64))
        throw dis_error("DIS.4102");
    return legacy_signature{parts[0],        parts[1],   parts[2],
                            *signed_headers, *signature, parsed->algorithm == signing::v11_algorithm};
}

void authenticate_legacy_signature(const auth_settings& settings, const request_context& ctx, service family,
                                   const std::optional<authorization>& parsed, limits* guard) {
    if (family != service::dis) {
        throw signature_failure(
            "the DIS SDK's Credential=.../dis/sdk_request signature is for DIS APIs only");
    }
    const auto form = parse_legacy_form(parsed);
    const auto* date = ctx.header("X-Sdk-Date");
    if (date == nullptr || trim(*date).empty()) throw dis_error("DIS.4103");
    const auto signed_at = parse_sdk_date(*date);
    if (!signed_at) throw dis_error("DIS.4104");
    if (date->substr(0, 8) != form.date) throw dis_error("DIS.4105");
    if (settings.mode != auth_mode::strict) return;

    const auto* key = find_key(settings, form.ak);
    if (key == nullptr) throw dis_error("DIS.4107");
    verify_key(guard, settings, *key, [&] {
        if (!within_skew(settings, *signed_at)) throw dis_error("DIS.4105");
        if (repeated_signed_header(ctx, form.signed_headers)) throw dis_error("DIS.4100");
        // The DIS SDKs' scheme always hashes the body itself; X-Sdk-Content-Sha256 plays no part in it
        // (the Go SDK sends the empty body's hash on every request and signs the real one). Each SDK's
        // canonical form is tried (signing.hpp dis_sdk_canonical_requests); a wrong secret, body, date or
        // signed header fails them all.
        const auto candidates = signing::dis_sdk_canonical_requests(
            to_sign(ctx), form.signed_headers,
            form.derived ? signing::dis_signers::python : signing::dis_signers::any);
        const bool verified = std::any_of(candidates.begin(), candidates.end(), [&](const std::string& c) {
            const auto expected =
                form.derived ? signing::dis_v11_signature(key->ak, key->sk, *date, form.date, form.region, c)
                             : signing::legacy_signature(key->sk, *date, form.date, form.region, c);
            return signing::constant_time_equal(expected, form.signature);
        });
        if (!verified) throw dis_error("DIS.4100");
        // A temporary credential needs its security token. The Python SDK adds X-Security-Token after
        // signing, so here it need not be signed; it must be the configured one.
        if (!key->security_token.empty()) {
            const auto* sent = ctx.header("X-Security-Token");
            if (sent == nullptr || !signing::constant_time_equal(trim(*sent), key->security_token)) {
                throw dis_error("DIS.4100");
            }
        }
    });
    check_project(key->project_id, ctx, family);
}

// The access key a verified header names: Access=<AK>, or the first part of Credential=<AK>/....
std::string_view access_key_of(const authorization& parsed) {
    if (const auto access = parsed.field("Access")) return *access;
    const auto credential = parsed.field("Credential").value_or(std::string_view{});
    return credential.substr(0, credential.find('/'));
}

// ---- tokens (§1) ---------------------------------------------------------------------------------

void authenticate_token(const auth_settings& settings, const request_context& ctx, service family,
                        const std::string& token) {
    if (settings.mode != auth_mode::strict) return;
    const auth_token* match = nullptr;
    for (const auto& candidate : settings.tokens) {
        if (signing::constant_time_equal(candidate.token, token)) match = &candidate;
    }
    if (match == nullptr) throw iam_error("decrypt token fail");
    if (match->expires_s && settings.now_ms() / 1000 >= *match->expires_s) {
        throw iam_error("token expires, expires_at: " + match->expires_at);
    }
    check_project(match->project_id, ctx, family);
}

}  // namespace

std::optional<auth_mode> parse_auth_mode(std::string_view name) {
    if (name == "off") return auth_mode::off;
    if (name == "loose") return auth_mode::loose;
    if (name == "strict") return auth_mode::strict;
    return std::nullopt;
}

std::string_view auth_mode_name(auth_mode mode) {
    switch (mode) {
        case auth_mode::off:
            return "off";
        case auth_mode::loose:
            return "loose";
        case auth_mode::strict:
            return "strict";
    }
    return "loose";
}

std::optional<std::int64_t> parse_iam_time(std::string_view text) {
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
        text[16] != ':' || text.back() != 'Z') {
        return std::nullopt;
    }
    const auto fraction = text.substr(19, text.size() - 20);
    if (!fraction.empty() &&
        (fraction.size() == 1 || fraction[0] != '.' || !is_digits(fraction.substr(1), fraction.size() - 1))) {
        return std::nullopt;
    }
    const std::string basic = std::string(text.substr(0, 4)) + std::string(text.substr(5, 2)) +
                              std::string(text.substr(8, 2)) + "T" + std::string(text.substr(11, 2)) +
                              std::string(text.substr(14, 2)) + std::string(text.substr(17, 2)) + "Z";
    return parse_sdk_date(basic);
}

std::optional<std::int64_t> parse_sdk_date(std::string_view text) {
    if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z' || !is_digits(text.substr(0, 8), 8) ||
        !is_digits(text.substr(9, 6), 6)) {
        return std::nullopt;
    }
    const auto number = [&](std::size_t at, std::size_t length) {
        int value = 0;
        for (std::size_t i = at; i < at + length; ++i) value = value * 10 + (text[i] - '0');
        return value;
    };
    const int year = number(0, 4);
    const int month = number(4, 2);
    const int day = number(6, 2);
    const int hour = number(9, 2);
    const int minute = number(11, 2);
    const int second = number(13, 2);
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
    const auto days = std::chrono::sys_days{date}.time_since_epoch().count();
    return static_cast<std::int64_t>(days) * 86400 + hour * 3600 + minute * 60 + second;
}

std::string_view authenticate(const auth_settings& settings, const request_context& ctx, service family,
                              limits* guard) {
    if (settings.mode == auth_mode::off) return {};
    try {
        // A token wins when both are sent: it is the credential every DIS and DMS page lists (auth.md §1).
        if (const auto* token = ctx.header("X-Auth-Token"); token != nullptr && !trim(*token).empty()) {
            authenticate_token(settings, ctx, family, *token);
            return trim(*token);
        }
        const auto* header = ctx.header("Authorization");
        if (header == nullptr || trim(*header).empty()) throw iam_error("x-auth-token not found");
        const auto parsed = parse_authorization(trim(*header));
        if (is_dis_sdk_form(*header, parsed)) {
            authenticate_legacy_signature(settings, ctx, family, parsed, guard);
        } else {
            authenticate_core_signature(settings, ctx, family, parsed, guard);
        }
        return access_key_of(*parsed);
    } catch (const api_error& refusal) {
        // Only the code: messages can echo signed header values such as a security token.
        spdlog::debug("request {} refused by authentication: {} {}", ctx.request_id, refusal.status(),
                      refusal.code());
        throw;
    }
}

}  // namespace emu::routes::auth
