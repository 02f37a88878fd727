#pragma once

// A test-only implementation of the Huawei Cloud SDK request signer (shared/reference/auth.md §2.3-2.5:
// SDK-HMAC-SHA256 with Access=) and of the legacy DIS SDK signer (§5: Credential=.../dis/sdk_request),
// written from the reference and pinned by its test vectors. The route tests use it to send requests
// exactly as the official SDK would.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::test {

using name_values = std::vector<std::pair<std::string, std::string>>;

struct signable_request {
    std::string method;   // upper case
    std::string path;     // as sent: percent-encoded, no query
    name_values query;    // decoded pairs; a list parameter is one pair per element
    name_values headers;  // every header the SDK has set before signing (Authorization not among them)
    std::string body;
};

// E(s) of §2.3: percent-encode everything but A-Z a-z 0-9 - _ . ~, upper-case hex.
std::string sdk_encode(std::string_view text);
std::string hex_sha256(std::string_view bytes);
std::string hmac_sha256(std::string_view key, std::string_view message);  // raw bytes
std::string to_hex(std::string_view bytes);

// The query string the SDK sends, which is also the canonical one: pairs sorted by name then value, each
// side encoded, joined with '&' (an empty value keeps its '=').
std::string sdk_query_string(name_values query);

// SDK-HMAC-SHA256 (Access= form): the canonical request, and the Authorization header value.
std::string sdk_canonical_request(const signable_request& request);
std::string sdk_authorization(const signable_request& request, const std::string& access_key,
                              const std::string& secret_key);

// Legacy DIS SDK form, region-scoped: the canonical request and the Authorization header value.
std::string legacy_dis_canonical_request(const signable_request& request);
std::string legacy_dis_authorization(const signable_request& request, const std::string& access_key,
                                     const std::string& secret_key, const std::string& region);

// The dedicated DIS SDKs' signers, each canonicalising as its source does (dis-native-sdks.md §2; read from
// huaweicloud-sdk-java-dis DefaultSigner/AbstractSigner/HttpUtils, huaweicloud-sdk-go-dis utils/auth_v4.go,
// huaweicloud-sdk-python-dis models/disauth.py and utils/hkdf.py). `request.headers` are the headers the SDK
// holds when it signs, and every one of them is signed:
// - java: path encoded twice as it is (trailing '/' kept), query sorted by encoded name with `name=value`
//   always, header names sorted case-blind, whitespace runs in values made one space;
// - go: path rebuilt from its non-empty segments plus '/', query sorted by name with Go's QueryEscape (a
//   space is '+') and `name=` for an empty value, header values as they are;
// - python: dot segments resolved, query items `name=value` (`name` alone when empty) sorted as text, values
//   stripped, and the Host header's port dropped (the SDK's `if port == '443' or '80'` is always true).
enum class dis_sdk { java, go, python };

std::string dis_sdk_canonical_request(dis_sdk sdk, const signable_request& request);
// The Authorization value; `derived` (the Python SDK's default): V11-HMAC-SHA256 with the key
// hex(HKDF-SHA256(salt = AK, key = SK, info = <date>/<region>/dis)) in place of the secret.
std::string dis_sdk_authorization(dis_sdk sdk, const signable_request& request, const std::string& access_key,
                                  const std::string& secret_key, const std::string& region,
                                  bool derived = false);

// X-Sdk-Date for a time in ms since the epoch: YYYYMMDDTHHMMSSZ, UTC.
std::string sdk_date(long long epoch_ms);

}  // namespace emu::test
