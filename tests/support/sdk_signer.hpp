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

// X-Sdk-Date for a time in ms since the epoch: YYYYMMDDTHHMMSSZ, UTC.
std::string sdk_date(long long epoch_ms);

}  // namespace emu::test
