#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routes/http/request.hpp"

// The canonicalisation and HMAC steps of Huawei Cloud request signing (reference auth.md §2.3-2.5,
// §4.1 and §5), as pure functions so that every published test vector can pin them without a server.
namespace emu::routes::auth::signing {

inline constexpr std::string_view sdk_algorithm = "SDK-HMAC-SHA256";
inline constexpr std::string_view v11_algorithm = "V11-HMAC-SHA256";
inline constexpr std::string_view empty_body_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";

// Which canonicalisation rules apply: the SDK core's (§2.3, also used by V11) or the legacy DIS
// SDKs' (§5, the DIS Python SDK's: dot segments resolved, a query name without value emitted without '=',
// the query items sorted as the text they are).
enum class dialect { sdk_core, legacy_dis };

// What a signature covers, taken from the request as received.
struct signed_request {
    std::string_view method;
    std::string_view raw_path;    // still percent-encoded
    const string_pairs* query;    // decoded name/value pairs
    const string_pairs* headers;  // names as received
    std::string_view body;
    // The client declared the body UNSIGNED-PAYLOAD and the verifier allows it (authenticate.cpp decides):
    // the canonical request then ends with that literal instead of the body's hash.
    bool unsigned_payload = false;
};

std::string hex(std::string_view bytes);
std::string sha256_hex(std::string_view data);
// Raw 32 bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);
// Compares in time that depends only on the lengths, so a guess reveals nothing about the answer.
bool constant_time_equal(std::string_view a, std::string_view b);

// E(s): percent-encode every byte except A-Z a-z 0-9 - _ . ~, upper-case hex.
std::string uri_encode(std::string_view text);
std::string canonical_uri(std::string_view raw_path, dialect rules = dialect::sdk_core);
std::string canonical_query(const string_pairs& query, dialect rules = dialect::sdk_core);
// `text` cut at every `separator`; empty pieces are kept.
std::vector<std::string_view> split(std::string_view text, char separator);

// SignedHeaders split on ';' (names as given, expected lower case and sorted by the signer).
std::vector<std::string> split_signed_headers(std::string_view signed_headers);

// Ends with the SHA-256 of `body` as received, whatever the request declares, unless unsigned_payload.
std::string canonical_request(const signed_request& request, std::string_view signed_headers,
                              dialect rules = dialect::sdk_core);

// §2.4: the secret key itself is the HMAC key.
std::string sdk_signature(std::string_view secret_key, std::string_view sdk_date, std::string_view canonical);

// §4.1: info = <YYYYMMDD>/<region>/<service>.
std::string v11_derived_key(std::string_view access_key, std::string_view secret_key, std::string_view info);
std::string v11_signature(std::string_view access_key, std::string_view secret_key, std::string_view sdk_date,
                          std::string_view info, std::string_view canonical);

// HKDF-SHA256 (RFC 5869) by OpenSSL: `length` raw bytes.
std::string hkdf_sha256(std::string_view salt, std::string_view key, std::string_view info,
                        std::size_t length);

// §5: scope = <YYYYMMDD>/<region>/dis/sdk_request, the key chain HMAC("SDK" + secret, date), region, "dis",
// "sdk_request", and a string to sign that begins with `algorithm`.
std::string legacy_signature(std::string_view secret_key, std::string_view sdk_date, std::string_view date,
                             std::string_view region, std::string_view canonical,
                             std::string_view algorithm = sdk_algorithm);

// The DIS Python SDK's default (derivationKeySwitch=True, dis-native-sdks.md §2.3): the §5 scheme, with
// V11-HMAC-SHA256 as the algorithm and, as the secret, the derived key of §4.1 for info
// <YYYYMMDD>/<region>/dis (the 64 hex characters used as text).
std::string dis_v11_signature(std::string_view access_key, std::string_view secret_key,
                              std::string_view sdk_date, std::string_view date, std::string_view region,
                              std::string_view canonical);

// Which of the DIS SDKs' signers can have made a signature (dis-native-sdks.md §2).
enum class dis_signers {
    python,  // V11-HMAC-SHA256 Credential=.../dis/sdk_request: only the Python SDK sends it
    any,     // SDK-HMAC-SHA256 Credential=.../dis/sdk_request: the Java, Go or Python SDK
};

// The canonical requests those signers compute for this request, distinct, the §5 one first. The SDKs
// disagree on two points, so a verifier that cannot tell them apart tries each:
// - the Python SDK writes a query parameter with an empty value as `name`, the Java and Go SDKs as
//   `name=` (Java's AbstractSigner, Go's auth_v4.go), as the SDK core does;
// - the Python SDK signs the host without its port (disauth.py: `if port == '443' or '80'` is always
//   true), so its form is also tried with the Host header's port removed.
std::vector<std::string> dis_sdk_canonical_requests(const signed_request& request,
                                                    std::string_view signed_headers, dis_signers signers);

// A Host header value without its `:port`, if it has one ("[::1]:80" -> "[::1]"); nullopt otherwise.
std::optional<std::string_view> host_without_port(std::string_view host);

}  // namespace emu::routes::auth::signing
